import {
  GraphQLError,
  getNamedType,
  isInputObjectType,
  isObjectType,
  type GraphQLInputField,
  type GraphQLInputObjectType,
  type GraphQLSchema,
} from 'graphql';
import { buildGatewaySchema } from '../../../../src/graphql/build-schema';
import { DateOperator } from '../../../../src/graphql/enums/date-operator.enum';
import { LineOperation } from '../../../../src/graphql/enums/line-operation.enum';
import { toInvoiceDraft, toLineChanges } from '../../../../src/graphql/validation/invoice-input.validation';
import { toListFilter } from '../../../../src/graphql/validation/list-filter.validation';

const DATE_SCALARS = new Set(['Date', 'DateTime']);

/** The input paths the validation refused for `value` in `field`; none when it accepted it. */
type Driver = (field: string, value: string) => string[];

/**
 * How each input type holding a date reaches the validation. A date input in a type without a
 * driver fails the test: it must be range-checked (`inputDate`) and given a driver here.
 */
const DRIVERS: Record<string, Driver> = {
  CreateInvoiceInput: (field, value) => refused(() => toInvoiceDraft({ ...CLEAN, [field]: value })),
  InvoiceLineInput: (field, value) => [
    ...refused(() => toInvoiceDraft({ ...CLEAN, lines: [{ description: 'Line', quantity: '1', [field]: value }] })),
    ...refused(() => toLineChanges([{ operation: LineOperation.INSERT, line: { description: 'Line', quantity: '1', [field]: value } }])),
  ],
  // A condition's value, through every filter field that takes this condition type.
  DateConditionInput: (field, value) => conditions('DateConditionInput', field, value),
  DateTimeConditionInput: (field, value) => conditions('DateTimeConditionInput', field, value),
};

const CLEAN = { customerNumber: '10000', lines: [{ description: 'Line', quantity: '1' }] };

let schema: GraphQLSchema;

beforeAll(async () => {
  schema = await buildGatewaySchema();
});

describe('every Date and DateTime input of the schema', () => {
  it('is refused by the input validation outside 1900-01-01 to 2199-12-31, naming the field', () => {
    const unchecked: string[] = [];
    const found: string[] = [];
    for (const [type, field] of dateInputFields(schema)) {
      const drive = DRIVERS[type.name];
      const value = getNamedType(field.type).name === 'Date' ? '9999-12-31' : '9999-12-31T00:00:00Z';
      const refusedFields = drive === undefined ? [] : drive(field.name, value);
      found.push(`${type.name}.${field.name}`);
      if (refusedFields.length === 0) unchecked.push(`${type.name}.${field.name}`);
    }

    expect(unchecked).toEqual([]);
    // The walk itself found what the API takes as dates (a schema walk that finds nothing passes nothing).
    expect(found).toEqual(
      expect.arrayContaining(['CreateInvoiceInput.documentDate', 'InvoiceLineInput.termEndDate', 'DateConditionInput.value']),
    );
  });

  it('names the field of every date filter in the refusal', () => {
    expect(conditions('DateConditionInput', 'value', '1899-12-31')).toEqual([
      'filter.documentDate.value',
      'filter.documentDueDate.value',
      'filter.dunningLetterDate.value',
    ]);
    expect(conditions('DateTimeConditionInput', 'value', '2200-01-01T00:00:00Z')).toEqual([
      'filter.createdDateTime.value',
      'filter.lastModifiedDateTime.value',
    ]);
  });
});

/** Every input field, and every argument's input type's field, whose type is Date or DateTime. */
function dateInputFields(graphqlSchema: GraphQLSchema): Array<[GraphQLInputObjectType, GraphQLInputField]> {
  const found: Array<[GraphQLInputObjectType, GraphQLInputField]> = [];
  for (const type of Object.values(graphqlSchema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        // A date as a plain argument would need a driver of its own.
        for (const arg of field.args) {
          if (DATE_SCALARS.has(getNamedType(arg.type).name))
            throw new Error(`${type.name}.${field.name}(${arg.name}) takes a date: add a driver`);
        }
      }
    }
    if (!isInputObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (DATE_SCALARS.has(getNamedType(field.type).name)) found.push([type, field]);
    }
  }
  return found;
}

function conditions(conditionType: string, field: string, value: string): string[] {
  const filterType = schema.getType('CustomerInvoiceFilter') as GraphQLInputObjectType;
  return Object.values(filterType.getFields())
    .filter((filterField) => getNamedType(filterField.type).name === conditionType)
    .flatMap((filterField) => refused(() => toListFilter({ [filterField.name]: { operator: DateOperator.GTE, [field]: value } })));
}

/** The fields a validation refused with BAD_USER_INPUT; none when it accepted the input. */
function refused(run: () => unknown): string[] {
  try {
    run();
    return [];
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions['code'] === 'BAD_USER_INPUT') {
      return (error.extensions['problems'] as Array<{ field: string }>).map((problem) => problem.field);
    }
    throw error;
  }
}
