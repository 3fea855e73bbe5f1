import { registerEnumType } from 'type-graphql';

/** Values are the bare `operation` strings of Visma's line write DTO (CONTRACT §3). */
export enum LineOperation {
  INSERT = 'Insert',
  UPDATE = 'Update',
  DELETE = 'Delete',
}

registerEnumType(LineOperation, {
  name: 'LineOperation',
  description: 'What to do with one invoice line.',
  valuesConfig: {
    INSERT: { description: 'Add a new line; it needs an item (inventoryNumber) or a description.' },
    UPDATE: { description: 'Change the given fields of the line with this lineNumber; other fields stay as they are.' },
    DELETE: { description: 'Remove the line with this lineNumber.' },
  },
});
