import { registerEnumType } from 'type-graphql';
import { UNKNOWN_VALUE, UNKNOWN_DESCRIPTION } from './unknown-value';

/** Values are Visma's own spelling (CONTRACT §2.1); GraphQL shows the keys. */
export enum RotRutType {
  RUT = 'Rut',
  ROT = 'Rot',
  UNKNOWN = UNKNOWN_VALUE,
}

registerEnumType(RotRutType, {
  name: 'RotRutType',
  description: 'The Swedish household-service deduction a line qualifies for.',
  valuesConfig: {
    RUT: { description: 'RUT: household services.' },
    ROT: { description: 'ROT: repair, conversion and extension work.' },
    UNKNOWN: { description: UNKNOWN_DESCRIPTION },
  },
});
