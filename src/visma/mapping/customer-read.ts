import { VismaProtocolError, VismaValidationError } from '../errors';
import type { ActionResult, Customer } from '../model';
import { addressFromWire, idDescription, mapObject } from './invoice-read';
import { WireReader } from './reader';

/** GET /v1/customer/{number} body (`CustomerDto`) → domain customer. */
export function customerFromWire(dto: unknown, timeZone: string): Customer {
  const r = WireReader.root(dto, 'customer', timeZone);
  const number = r.string('number');
  if (number === null || number === '') {
    throw new VismaProtocolError('Visma sent a customer without a number.');
  }
  return {
    internalId: r.integer('internalId'),
    number,
    name: r.string('name'),
    status: r.string('status'),
    currencyId: r.string('currencyId'),
    creditTerms: idDescription(r.object('creditTerms')),
    mainAddress: addressFromWire(r.object('mainAddress')),
    mainContact: mapObject(r.object('mainContact'), (o) => ({
      name: o.string('name'),
      email: o.string('email'),
      phone: o.string('phone1'),
    })),
    vatZone: idDescription(r.object('vatZone')),
    createdDateTime: r.instant('createdDateTime'),
    lastModifiedDateTime: r.instant('lastModifiedDateTime'),
    version: r.string('timeStamp'),
  };
}

/**
 * 200 from an action (`ReleaseInvoiceActionResultDto`, CONTRACT §6). `actionResult: "Failed"`
 * means Visma refused the action for a business reason given in `errorInfo` (an unbalanced
 * invoice, a closed period): that is a validation error for the caller, not a result to show.
 */
export function actionResultFromWire(dto: unknown, operation: string): ActionResult {
  const r = WireReader.root(dto, 'actionResult', 'UTC');
  const result = r.string('actionResult');
  if (result === 'Failed') {
    const info = r.string('errorInfo');
    throw new VismaValidationError(info !== null && info.trim() !== '' ? info : 'Visma reported the action as failed.', {
      operation,
      status: 200,
    });
  }
  return { actionId: r.string('actionId'), result };
}
