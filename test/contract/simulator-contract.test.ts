import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADDRESS_FIELDS,
  CONTACT_FIELDS,
  DISTRIBUTION_FIELDS,
  HEADER_FIELDS,
  LINE_FIELDS,
  ROT_RUT_FIELDS,
  SEGMENT_FIELDS,
  TAX_DETAIL_FIELDS,
  type FieldKind,
} from '../../src/simulator/write-dto';
import { parse, startTestSimulator, type TestSimulator } from '../simulator/support/harness';
import { compileSpec, loadSpec, refName, type SchemaNode, type SpecExtract } from './spec-loader';

const spec = loadSpec();
const readSpec = compileSpec(spec, { requireAll: true });
const writeSpec = compileSpec(spec, { requireAll: false });
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8')) as unknown;

function expectValid(schemaName: string, body: unknown, compiled = readSpec): void {
  const validate = compiled.validator(schemaName);
  const valid = validate(body);
  // Show ajv's own report on failure: it names the path and the offending keyword.
  expect(valid ? [] : validate.errors).toEqual([]);
}

/** The write-DTO wrapper kind the spec gives a property (the simulator's FieldKind vocabulary). */
function kindFromSpec(schemas: SpecExtract['schemas'], property: SchemaNode): string {
  if (property.type === 'array') {
    const item = refName(property.items);
    const arrays: Record<string, FieldKind> = {
      CustomerInvoiceLinesUpdateDto: 'lineArray',
      TaxDetailUpdateDto: 'taxDetailArray',
      SegmentUpdateDto: 'segmentArray',
      RotRutDistributionUpdateDto: 'distributionArray',
    };
    return arrays[item ?? ''] ?? `array of ${item}`;
  }
  if (Array.isArray(property.enum))
    return property.enum.join('|') === 'Insert|Update|Delete' ? 'bareOperation' : `bare enum ${property.enum.join('|')}`;
  const name = refName(property);
  if (name === null) return `bare ${String(property.type)}`;
  const target = schemas[name] as SchemaNode;
  const props = (target.properties ?? {}) as Record<string, SchemaNode>;
  if (Object.keys(props).join() !== 'value') return name === 'RotRutUpdateDto' ? 'rotRutObject' : `object ${name}`;
  const value = props.value as SchemaNode;
  const inner = refName(value);
  if (inner === 'SalesInvoiceAddressUpdateDto') return 'addressTwice';
  if (inner === 'SalesInvoiceContactUpdateDto') return 'contactTwice';
  if (Array.isArray(value.enum)) {
    const values = value.enum.join('|');
    if (values === 'Service|MaterialCost|OtherCost') return 'itemTypeEnum';
    if (values === 'Rut|Rot') return 'rotRutTypeEnum';
    return `enum ${values}`;
  }
  const base =
    value.format === 'uuid'
      ? 'Guid'
      : value.format === 'date-time'
        ? 'DateTime'
        : value.type === 'string'
          ? 'String'
          : value.type === 'number'
            ? 'Decimal'
            : value.type === 'integer'
              ? 'Int32'
              : value.type === 'boolean'
                ? 'Bool'
                : `? ${String(value.type)}`;
  // A string is a reference type in .NET: "Nullable" only exists for value types.
  if (base === 'String') return 'string';
  const isNullable = name.startsWith('DtoValueOfNullableOf');
  const lowerFirst = base.charAt(0).toLowerCase() + base.slice(1);
  return isNullable ? `nullable${base}` : lowerFirst;
}

function specKinds(schemaName: string): Record<string, string> {
  const schema = spec.schemas[schemaName] as SchemaNode;
  const kinds: Record<string, string> = {};
  for (const [name, property] of Object.entries(schema.properties as Record<string, SchemaNode>)) {
    kinds[name] = kindFromSpec(spec.schemas, property);
  }
  return kinds;
}

describe('contract: the simulator against the committed spec extract', () => {
  describe('write-DTO wrapper tables', () => {
    it.each([
      ['CustomerInvoiceUpdateDto', HEADER_FIELDS, 51],
      ['CustomerInvoiceLinesUpdateDto', LINE_FIELDS, 28],
      ['SalesInvoiceAddressUpdateDto', ADDRESS_FIELDS, 8],
      ['SalesInvoiceContactUpdateDto', CONTACT_FIELDS, 5],
      ['TaxDetailUpdateDto', TAX_DETAIL_FIELDS, 4],
      ['RotRutUpdateDto', ROT_RUT_FIELDS, 6],
      ['RotRutDistributionUpdateDto', DISTRIBUTION_FIELDS, 5],
    ] as const)('match %s field for field, with the same wrapper kind', (schemaName, table, count) => {
      expect(Object.keys(table)).toHaveLength(count);
      expect({ ...table }).toEqual(specKinds(schemaName));
    });

    it('match SegmentUpdateDto: bare segmentId and segmentValue', () => {
      expect(specKinds('SegmentUpdateDto')).toEqual({ segmentId: 'bare integer', segmentValue: 'bare string' });
      expect(Object.keys(SEGMENT_FIELDS)).toEqual(['segmentId', 'segmentValue']);
    });
  });

  describe('documented example requests', () => {
    it.each(['post-customerinvoice-minimal.request.json', 'put-customerinvoice-line.request.json'])(
      '%s fits CustomerInvoiceUpdateDto',
      (name) => {
        expectValid('CustomerInvoiceUpdateDto', fixture(name), writeSpec);
      },
    );
  });

  describe('bodies the simulator produces', () => {
    let t: TestSimulator;

    beforeAll(async () => {
      t = await startTestSimulator({ now: () => Date.UTC(2026, 0, 15, 10) });
    });
    afterAll(() => t.close());

    it('every list item fits CustomerInvoiceDto, expanded or not', async () => {
      for (const query of [
        'pageSize=1000',
        'pageSize=1000&expandApplications=true&expandAttachments=true&expandTaxDetails=true&expandInvoiceAddress=true&expandDunningInformation=true',
      ]) {
        const items = parse<unknown[]>(await t.api('GET', `/v1/customerinvoice?${query}`));
        expect(items).toHaveLength(500);
        for (const item of items) expectValid('CustomerInvoiceDto', item);
      }
    });

    it('a single invoice of every seeded status fits CustomerInvoiceDto', async () => {
      const items = parse<{ referenceNumber: string; status: string }[]>(await t.api('GET', '/v1/customerinvoice?pageSize=1000'));
      const byStatus = new Map(items.map((i) => [i.status, i.referenceNumber]));
      expect(byStatus.size).toBeGreaterThanOrEqual(8);
      for (const number of byStatus.values()) expectValid('CustomerInvoiceDto', parse(await t.api('GET', `/v1/customerinvoice/${number}`)));
    });

    it('an invoice written with every kind of field fits CustomerInvoiceDto', async () => {
      const response = await t.api('POST', '/v2/customerinvoice', {
        body: {
          customerNumber: { value: '10005' },
          childCustomerNumber: { value: '10006' },
          documentDate: { value: '2025-06-30' },
          origInvoiceDate: { value: '2025-06-01' },
          startDate: { value: '2025-06-01' },
          endDate: { value: '2025-06-30' },
          paymentMethodId: { value: 'CARD' },
          customerVatZoneId: { value: '02' },
          project: { value: 'P1002' },
          salesperson: { value: 'SP01' },
          salesPersonID: { value: 7 },
          directDebitMandateId: { value: '2ddece9b-a89b-4f5a-a251-2cf14837bb2d' },
          debtCollectionCaseNbr: { value: 'DC-1' },
          contact: { value: 9006 },
          locationId: { value: 'MAIN' },
          billingAddress: {
            value: { addressLine1: { value: 'Mannerheimintie 1' }, countryId: { value: 'FI' }, county: { value: 'Uusimaa' } },
          },
          invoiceLines: [
            {
              operation: 'Insert',
              inventoryNumber: { value: 'EXPORT-SVC' },
              quantity: { value: 7.5 },
              taskId: { value: 'T02' },
              salesperson: { value: 'SP02' },
              typeOfWork: { value: 'Consulting' },
              itemType: { value: 'Service' },
              subaccount: [
                { segmentId: 1, segmentValue: '20' },
                { segmentId: 3, segmentValue: '07' },
              ],
              termStartDate: { value: '2025-07-01' },
              termEndDate: { value: '2025-12-31' },
              deferralCode: { value: 'DEF' },
              deferralSchedule: { value: 3 },
              branchNumber: { value: '2' },
            },
          ],
        },
      });
      expect(response.status).toBe(201);
      const number = String(response.headers.location).split('/').pop() ?? '';
      const body = parse<Record<string, unknown>>(await t.api('GET', `/v1/customerinvoice/${number}`));
      expect(body.childRecord).not.toBeNull();
      expect(body.directDebitMandate).not.toBeNull();
      expectValid('CustomerInvoiceDto', body);
    });

    it('the release action result fits ReleaseInvoiceActionResultDto', async () => {
      const response = await t.api('POST', '/v1/customerinvoice/003547/action/release');
      expect(response.status).toBe(200);
      expectValid('ReleaseInvoiceActionResultDto', parse(response), writeSpec);
    });

    it('the simulator accepts both documented example requests', async () => {
      t.sim.controls.reset();
      expect((await t.api('POST', '/v2/customerinvoice', { body: fixture('post-customerinvoice-minimal.request.json') })).status).toBe(201);
      expect((await t.api('PUT', '/v1/customerinvoice/003547', { body: fixture('put-customerinvoice-line.request.json') })).status).toBe(
        204,
      );
    });

    it('the strict schema catches a misspelt key, a missing key, a wrong type and an unknown enum value', async () => {
      const validate = readSpec.validator('CustomerInvoiceDto');
      const body = parse<Record<string, unknown>>(await t.api('GET', '/v1/customerinvoice/003549'));
      expect(validate(body)).toBe(true);
      const { note, ...missing } = body;
      expect(validate({ ...missing, notes: note })).toBe(false);
      expect(validate(missing)).toBe(false);
      expect(validate({ ...body, amount: '12.50' })).toBe(false);
      expect(validate({ ...body, status: 'Paid' })).toBe(false);
    });
  });
});
