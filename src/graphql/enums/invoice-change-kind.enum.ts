import { registerEnumType } from 'type-graphql';

/** The upstream cache's InvoiceChangeKind, value for value. */
export enum InvoiceChangeKind {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  STATUS_CHANGED = 'STATUS_CHANGED',
  ACTION_TRIGGERED = 'ACTION_TRIGGERED',
}

registerEnumType(InvoiceChangeKind, {
  name: 'InvoiceChangeKind',
  description:
    "What happened to an invoice, as far as the gateway can tell: its own writes know exactly; Visma's webhooks say Changed, Status Changed or Action Triggered; a change found by polling Visma is UPDATED.",
  valuesConfig: {
    CREATED: { description: 'The invoice was created.' },
    UPDATED: { description: 'The invoice was changed (its lines, its fields), or changed in a way the gateway could not tell apart.' },
    STATUS_CHANGED: { description: 'Its status changed (a release, for one).' },
    ACTION_TRIGGERED: { description: 'An action ran on it in Visma.' },
  },
});
