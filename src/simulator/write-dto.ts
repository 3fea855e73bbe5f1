/**
 * Validation of Visma's write DTO, `CustomerInvoiceUpdateDto` with `CustomerInvoiceLinesUpdateDto`
 * lines (CONTRACT §3). Every field's wrapper kind is data (HEADER_FIELDS, LINE_FIELDS), so the
 * contract test can hold these tables against the spec. The irregularities are enforced both
 * ways: a bare scalar where `{ "value": … }` is expected is a 400, and so is a wrapper where the
 * spec has none (a line's `operation`, the subaccount segments, every array).
 */
import { parseBodyDateTime } from './dates';
import { decFromNumber, type Dec } from './decimal';

export type FieldKind =
  | 'string'
  | 'decimal'
  | 'int32'
  | 'bool'
  | 'dateTime'
  | 'nullableBool'
  | 'nullableInt32'
  | 'nullableDecimal'
  | 'nullableDateTime'
  | 'nullableGuid'
  | 'itemTypeEnum'
  | 'rotRutTypeEnum'
  | 'bareOperation'
  | 'segmentArray'
  | 'addressTwice'
  | 'contactTwice'
  | 'rotRutObject'
  | 'taxDetailArray'
  | 'lineArray'
  | 'distributionArray';

/** CustomerInvoiceUpdateDto: 51 fields. */
export const HEADER_FIELDS: Readonly<Record<string, FieldKind>> = {
  paymentMethodId: 'string',
  creditTermsId: 'string',
  currencyId: 'string',
  customerRefNumber: 'string',
  cashDiscountDate: 'dateTime',
  documentDueDate: 'dateTime',
  externalReference: 'string',
  customerProject: 'string',
  exchangeRate: 'decimal',
  domesticServicesDeductibleDocument: 'nullableBool',
  rotRutDetails: 'rotRutObject',
  paymentReference: 'string',
  contact: 'nullableInt32',
  project: 'string',
  taxDetailLines: 'taxDetailArray',
  invoiceLines: 'lineArray',
  sendToAutoInvoice: 'nullableBool',
  customerVatZoneId: 'string',
  billingAddress: 'addressTwice',
  invoiceContact: 'contactTwice',
  startDate: 'nullableDateTime',
  endDate: 'nullableDateTime',
  accountingCostRef: 'string',
  originatorDocRef: 'string',
  contractDocRef: 'string',
  revoked: 'bool',
  overrideNumberSeries: 'bool',
  directDebitMandateId: 'nullableGuid',
  excludeDebtCollection: 'bool',
  debtCollectionCaseNbr: 'string',
  debtCollectionCaseStatus: 'string',
  debtCollectionCaseType: 'string',
  debtCollectionCaseUrl: 'string',
  referenceNumber: 'string',
  customerNumber: 'string',
  childCustomerNumber: 'string',
  consolidateInvoices: 'nullableBool',
  documentDate: 'dateTime',
  origInvoiceDate: 'dateTime',
  hold: 'bool',
  postPeriod: 'string',
  financialPeriod: 'string',
  invoiceText: 'string',
  locationId: 'string',
  salesPersonID: 'int32',
  salesperson: 'string',
  note: 'string',
  branchNumber: 'string',
  cashAccount: 'string',
  dontPrint: 'bool',
  dontEmail: 'bool',
};

/** CustomerInvoiceLinesUpdateDto: 28 fields. */
export const LINE_FIELDS: Readonly<Record<string, FieldKind>> = {
  discountCode: 'string',
  domesticServicesDeductible: 'nullableBool',
  itemType: 'itemTypeEnum',
  typeOfWork: 'string',
  taskId: 'string',
  startDate: 'nullableDateTime',
  endDate: 'nullableDateTime',
  operation: 'bareOperation',
  inventoryNumber: 'string',
  lineNumber: 'int32',
  description: 'string',
  quantity: 'decimal',
  unitPriceInCurrency: 'decimal',
  manualAmountInCurrency: 'decimal',
  accountNumber: 'string',
  vatCodeId: 'string',
  uom: 'string',
  discountPercent: 'decimal',
  discountAmountInCurrency: 'decimal',
  manualDiscount: 'bool',
  subaccount: 'segmentArray',
  salesperson: 'string',
  deferralSchedule: 'int32',
  deferralCode: 'string',
  termStartDate: 'dateTime',
  termEndDate: 'dateTime',
  note: 'string',
  branchNumber: 'string',
};

export const ADDRESS_FIELDS: Readonly<Record<string, FieldKind>> = {
  overrideAddress: 'nullableBool',
  addressLine1: 'string',
  addressLine2: 'string',
  addressLine3: 'string',
  postalCode: 'string',
  city: 'string',
  countryId: 'string',
  county: 'string',
};

export const CONTACT_FIELDS: Readonly<Record<string, FieldKind>> = {
  overrideContact: 'nullableBool',
  name: 'string',
  attention: 'string',
  email: 'string',
  phone1: 'string',
};

export const TAX_DETAIL_FIELDS: Readonly<Record<string, FieldKind>> = {
  taxId: 'string',
  taxableAmount: 'nullableDecimal',
  vatAmount: 'nullableDecimal',
  expenseAmount: 'nullableDecimal',
};

export const ROT_RUT_FIELDS: Readonly<Record<string, FieldKind>> = {
  distributedAutomaticaly: 'nullableBool',
  type: 'rotRutTypeEnum',
  appartment: 'string',
  estate: 'string',
  organizationNbr: 'string',
  distribution: 'distributionArray',
};

export const DISTRIBUTION_FIELDS: Readonly<Record<string, FieldKind>> = {
  operation: 'bareOperation',
  lineNbr: 'nullableInt32',
  personalId: 'string',
  amount: 'nullableDecimal',
  extra: 'nullableBool',
};

export const SEGMENT_FIELDS = { segmentId: 'int32', segmentValue: 'string' } as const;

export type Operation = 'Insert' | 'Update' | 'Delete';

/** A date sent in a body, as the company-local day and the instant. */
export interface BodyDate {
  date: string;
  ms: number;
}

/**
 * A validated, unwrapped value. `null` only where the wrapper admits it (strings and Nullable<T>).
 * A line's `operation` is a string holding one of the three Operation names.
 */
export type Value = string | number | boolean | Dec | BodyDate | null | Segment[] | Fields | Fields[];

export interface Segment {
  segmentId: number;
  segmentValue: string;
}

/** Sent fields only: a key that is absent was not sent and must be left unchanged. */
export type Fields = Map<string, Value>;

export class WriteDtoError extends Error {}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const WRAPPED_SCALARS: Partial<Record<FieldKind, { expect: string; nullable: boolean }>> = {
  string: { expect: 'a string', nullable: true },
  decimal: { expect: 'a number', nullable: false },
  int32: { expect: 'an integer', nullable: false },
  bool: { expect: 'a boolean', nullable: false },
  dateTime: { expect: 'a date-time string', nullable: false },
  nullableBool: { expect: 'a boolean or null', nullable: true },
  nullableInt32: { expect: 'an integer or null', nullable: true },
  nullableDecimal: { expect: 'a number or null', nullable: true },
  nullableDateTime: { expect: 'a date-time string or null', nullable: true },
  nullableGuid: { expect: 'a GUID string or null', nullable: true },
  itemTypeEnum: { expect: 'one of Service, MaterialCost, OtherCost', nullable: false },
  rotRutTypeEnum: { expect: 'one of Rut, Rot, or null', nullable: true },
};

/** A JSON number as .NET's decimal binds it; null when it would not bind. */
function decimalValue(value: unknown): Dec | null {
  if (typeof value !== 'number') return null;
  const amount = decFromNumber(value);
  // .NET's decimal holds magnitudes below about 7.9e28; larger numbers fail to bind.
  if (amount === null || Math.abs(value) >= 7.9e28) return null;
  return amount;
}

/** A date-time string as .NET's JSON reader binds it; null when it would not bind. */
function bodyDate(value: unknown): BodyDate | null {
  if (typeof value !== 'string') return null;
  const ms = parseBodyDateTime(value);
  if (ms === null) return null;
  return { date: new Date(ms).toISOString().slice(0, 10), ms };
}

class Parser {
  constructor(private readonly rejectUnknown: boolean) {}

  object(path: string, raw: unknown, table: Readonly<Record<string, FieldKind>>): Fields {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new WriteDtoError(`${path || 'The body'} must be a JSON object, received ${describe(raw)}.`);
    }
    const fields: Fields = new Map();
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      // ASP.NET binds member names case-insensitively; the simulator keeps the spec's spelling.
      const name = Object.keys(table).find((known) => known.toLowerCase() === key.toLowerCase());
      const fieldPath = path ? `${path}.${key}` : key;
      if (name === undefined) {
        if (this.rejectUnknown) throw new WriteDtoError(`Unknown field '${fieldPath}'.`);
        continue;
      }
      fields.set(name, this.field(path ? `${path}.${name}` : name, value, table[name] as FieldKind));
    }
    return fields;
  }

  private field(path: string, raw: unknown, kind: FieldKind): Value {
    switch (kind) {
      case 'bareOperation':
        if (raw !== 'Insert' && raw !== 'Update' && raw !== 'Delete') {
          throw new WriteDtoError(
            `${path} must be a bare string "Insert", "Update" or "Delete" (not wrapped in {"value": …}), received ${typeof raw === 'string' ? `"${raw}"` : describe(raw)}.`,
          );
        }
        return raw;
      case 'segmentArray':
        return this.array(path, raw, (itemPath, item) => this.segment(itemPath, item));
      case 'lineArray':
        return this.array(path, raw, (itemPath, item) => this.object(itemPath, item, LINE_FIELDS));
      case 'taxDetailArray':
        return this.array(path, raw, (itemPath, item) => this.object(itemPath, item, TAX_DETAIL_FIELDS));
      case 'distributionArray':
        return this.array(path, raw, (itemPath, item) => this.object(itemPath, item, DISTRIBUTION_FIELDS));
      case 'rotRutObject':
        return this.object(path, raw, ROT_RUT_FIELDS);
      case 'addressTwice':
        return this.object(
          `${path}.value`,
          this.unwrap(path, raw, 'an object of address fields, each wrapped in {"value": …}'),
          ADDRESS_FIELDS,
        );
      case 'contactTwice':
        return this.object(
          `${path}.value`,
          this.unwrap(path, raw, 'an object of contact fields, each wrapped in {"value": …}'),
          CONTACT_FIELDS,
        );
      default:
        return this.scalar(path, raw, kind);
    }
  }

  private array<T>(path: string, raw: unknown, item: (path: string, raw: unknown) => T): T[] {
    if (!Array.isArray(raw)) {
      throw new WriteDtoError(`${path} must be a plain JSON array (arrays are never wrapped in {"value": …}), received ${describe(raw)}.`);
    }
    return raw.map((entry, index) => item(`${path}[${index}]`, entry));
  }

  private segment(path: string, raw: unknown): Segment {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new WriteDtoError(`${path} must be an object {"segmentId": <int>, "segmentValue": <string>}, received ${describe(raw)}.`);
    }
    const entries = raw as Record<string, unknown>;
    for (const key of Object.keys(entries)) {
      if (key !== 'segmentId' && key !== 'segmentValue' && this.rejectUnknown) throw new WriteDtoError(`Unknown field '${path}.${key}'.`);
    }
    const { segmentId, segmentValue } = entries;
    if (typeof segmentId !== 'number' || !Number.isInteger(segmentId)) {
      throw new WriteDtoError(`${path}.segmentId must be a bare integer (segments are not wrapped), received ${describe(segmentId)}.`);
    }
    if (typeof segmentValue !== 'string') {
      throw new WriteDtoError(`${path}.segmentValue must be a bare string (segments are not wrapped), received ${describe(segmentValue)}.`);
    }
    return { segmentId, segmentValue };
  }

  /** The inside of a `{ "value": … }` wrapper; a bare value or a wrapper without `value` is a 400. */
  private unwrap(path: string, raw: unknown, expect: string): unknown {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new WriteDtoError(`${path} must be wrapped as {"value": ${expect}}, received ${describe(raw)}.`);
    }
    const wrapper = raw as Record<string, unknown>;
    const keys = Object.keys(wrapper);
    if (!keys.includes('value')) throw new WriteDtoError(`${path} must be wrapped as {"value": ${expect}}, but has no "value".`);
    const extra = keys.filter((key) => key !== 'value');
    if (extra.length > 0 && this.rejectUnknown) throw new WriteDtoError(`Unknown field '${path}.${extra[0]}'.`);
    return wrapper.value;
  }

  private scalar(path: string, raw: unknown, kind: FieldKind): Value {
    const spec = WRAPPED_SCALARS[kind];
    if (!spec) throw new Error(`no scalar rule for ${kind}`);
    const value = this.unwrap(path, raw, spec.expect);
    const bad = (): never => {
      throw new WriteDtoError(`${path}.value must be ${spec.expect}, received ${describe(value)}.`);
    };
    if (value === null) return spec.nullable ? null : bad();
    switch (kind) {
      case 'string':
        return typeof value === 'string' ? value : bad();
      case 'decimal':
      case 'nullableDecimal':
        return decimalValue(value) ?? bad();
      case 'int32':
      case 'nullableInt32':
        return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 2_147_483_647 ? value : bad();
      case 'bool':
      case 'nullableBool':
        return typeof value === 'boolean' ? value : bad();
      case 'dateTime':
      case 'nullableDateTime':
        return bodyDate(value) ?? bad();
      case 'nullableGuid':
        return typeof value === 'string' && GUID.test(value) ? value.toLowerCase() : bad();
      case 'itemTypeEnum':
        return value === 'Service' || value === 'MaterialCost' || value === 'OtherCost' ? value : bad();
      case 'rotRutTypeEnum':
        return value === 'Rut' || value === 'Rot' ? value : bad();
      default:
        return bad();
    }
  }
}

/** Parses a write body (already JSON-decoded) into the fields that were sent. */
export function parseWriteDto(body: unknown, options: { rejectUnknown: boolean }): Fields {
  return new Parser(options.rejectUnknown).object('', body, HEADER_FIELDS);
}
