/** All `{ "value": x }` handling and every wire ↔ domain conversion: pure functions, no I/O. */
export { invoiceFromWire, invoicePageFromWire, PageBuilder as InvoicePageBuilder } from './invoice-read';
export { customerFromWire, actionResultFromWire } from './customer-read';
export { draftToWire, patchToWire, draftFromWire, patchFromWire } from './invoice-write';
export { listQueryParameters, listQueryString } from './list-query';
export { canonicalDecimal, decimalFromWire, decimalToWire, decimalWriteProblem } from './decimal';
export { isLocalDate, isValidTimeZone } from './time';
