import { registerEnumType } from 'type-graphql';
import { UNKNOWN_VALUE, UNKNOWN_DESCRIPTION } from './unknown-value';

/** Values are Visma's two-letter line type codes (CONTRACT §2.1); GraphQL shows the keys. */
export enum LineType {
  INVENTORY = 'GI',
  NON_INVENTORY = 'GN',
  MISC_CHARGE = 'MI',
  FREIGHT = 'FR',
  DISCOUNT = 'DS',
  REALLOCATION = 'RA',
  UNKNOWN = UNKNOWN_VALUE,
}

registerEnumType(LineType, {
  name: 'LineType',
  description: 'What kind of line this is. Visma sets it from the item; it cannot be written.',
  valuesConfig: {
    INVENTORY: { description: 'A stock item (Visma "GI").' },
    NON_INVENTORY: { description: 'A non-stock item or a free-text line (Visma "GN").' },
    MISC_CHARGE: { description: 'A miscellaneous charge (Visma "MI").' },
    FREIGHT: { description: 'Freight (Visma "FR").' },
    DISCOUNT: { description: 'A discount (Visma "DS").' },
    REALLOCATION: { description: 'A reallocation (Visma "RA").' },
    UNKNOWN: { description: UNKNOWN_DESCRIPTION },
  },
});
