/**
 * `GET /v1/customer/{number}`: the CustomerDto keys the PIONECT SDK lists (CONTRACT §6), with
 * the nested objects the gateway may read filled and the rest null.
 */
import { COUNTRY_BY_ID, TERMS_BY_ID, VAT_ZONE_BY_ID, type DemoCustomer } from './catalogue';
import { stampToMs } from './dates';
import { timeStampOf } from './render';

export function customerJson(c: DemoCustomer, index: number): string {
  const country = COUNTRY_BY_ID.get(c.countryId);
  const terms = TERMS_BY_ID.get(c.creditTermsId);
  const zone = VAT_ZONE_BY_ID.get(c.vatZoneId);
  const address = {
    addressId: c.internalId * 10,
    addressLine1: c.addressLine1,
    addressLine2: null,
    addressLine3: null,
    postalCode: c.postalCode,
    city: c.city,
    country: { id: c.countryId, name: country?.name ?? null, errorInfo: null, metadata: null },
    county: null,
    errorInfo: null,
    metadata: null,
  };
  const contact = {
    contactId: c.contactId,
    name: c.contactName,
    attention: c.contactName,
    email: c.email,
    web: null,
    phone1: c.phone,
    phone2: null,
    fax: null,
    errorInfo: null,
    metadata: null,
  };
  return JSON.stringify({
    internalId: c.internalId,
    number: c.number,
    name: c.name,
    status: c.status,
    mainAddress: address,
    mainContact: contact,
    accountReference: null,
    parentRecord: null,
    customerClass: { id: 'STANDARD', description: 'Standard customers' },
    creditTerms: terms ? { id: terms.id, description: terms.description } : null,
    currencyId: c.currencyId,
    creditVerification: 'Disabled',
    creditLimit: 0,
    creditDaysPastDue: 0,
    invoiceAddress: { ...address, addressId: c.internalId * 10 + 1 },
    invoiceContact: contact,
    printInvoices: false,
    acceptAutoInvoices: false,
    sendInvoicesByEmail: true,
    sendDunningLettersViaEmail: true,
    printDunningLetters: false,
    printStatements: false,
    sendStatementsByEmail: false,
    printMultiCurrencyStatements: false,
    statementType: 'OpenItem',
    deliveryAddress: address,
    deliveryContact: contact,
    vatRegistrationId: c.countryId === 'NO' ? `NO${900000000 + index}MVA` : null,
    corporateId: c.countryId === 'NO' ? String(900000000 + index) : null,
    gln: null,
    vatZone: zone ? { id: zone.id, description: zone.description, defaultVatCategory: null } : null,
    location: { id: 'MAIN', name: 'Primary location' },
    attributes: [],
    lastModifiedDateTime: c.lastModifiedDateTime,
    createdDateTime: c.createdDateTime,
    directDebitLines: [],
    priceClass: null,
    glAccounts: null,
    invoiceToDefaultLocation: true,
    eInvoiceContract: null,
    paymentMethods: [],
    defaultPaymentMethodId: 'BANK',
    numberOfEmployees: null,
    excludeDebtCollection: false,
    timeStamp: timeStampOf(BigInt(stampToMs(c.lastModifiedDateTime))),
    errorInfo: null,
    metadata: null,
  });
}
