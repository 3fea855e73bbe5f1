import { registerEnumType } from 'type-graphql';
import { UNKNOWN_VALUE, UNKNOWN_DESCRIPTION } from './unknown-value';

/** Values are Visma's own spelling (CONTRACT §6, ReleaseInvoiceActionResultDto); GraphQL shows the keys. */
export enum ActionResult {
  QUEUED = 'Queued',
  IN_PROCESS = 'InProcess',
  FAILED = 'Failed',
  DONE = 'Done',
  UNKNOWN = UNKNOWN_VALUE,
}

registerEnumType(ActionResult, {
  name: 'ActionResult',
  description: 'How far Visma got with an action such as a release, which it may run in the background.',
  valuesConfig: {
    QUEUED: { description: 'Accepted and waiting to run.' },
    IN_PROCESS: { description: 'Running.' },
    FAILED: { description: 'Failed; the invoice is unchanged.' },
    DONE: { description: 'Finished.' },
    UNKNOWN: { description: UNKNOWN_DESCRIPTION },
  },
});
