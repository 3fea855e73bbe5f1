import { registerEnumType } from 'type-graphql';
import { UNKNOWN_VALUE, UNKNOWN_DESCRIPTION } from './unknown-value';

/** Values are Visma's own spelling (CONTRACT §2.1); GraphQL shows the keys. */
export enum ItemType {
  SERVICE = 'Service',
  MATERIAL_COST = 'MaterialCost',
  OTHER_COST = 'OtherCost',
  UNKNOWN = UNKNOWN_VALUE,
}

registerEnumType(ItemType, {
  name: 'ItemType',
  description: 'What a line sells, for Swedish ROT/RUT deductions.',
  valuesConfig: {
    SERVICE: { description: 'Work (a service).' },
    MATERIAL_COST: { description: 'Material.' },
    OTHER_COST: { description: 'Other costs.' },
    UNKNOWN: { description: `${UNKNOWN_DESCRIPTION} Not accepted as input.` },
  },
});
