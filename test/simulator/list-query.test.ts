import { parse, startTestSimulator, type TestSimulator } from './support/harness';

interface Item {
  referenceNumber: string;
  status: string;
  customer: { number: string };
  financialPeriod: string;
  closedFinancialPeriod: string | null;
  dunningLetterLevel: number | null;
  dunningLetterDate: string | null;
  externalReference: string | null;
  paymentReference: string | null;
  customerRefNumber: string | null;
  branchNumber: { number: string } | null;
  project: { id: string } | null;
  lastModifiedDateTime: string;
  createdDateTime: string;
  documentDate: string;
  documentDueDate: string;
  taxDetails: unknown[] | null;
  applications: unknown[] | null;
  attachments: unknown[] | null;
  invoiceAddress: unknown;
  metadata: { totalCount: number; maxPageSize: number };
}

const ALL_EXPANDED =
  'expandApplications=true&expandAttachments=true&expandTaxDetails=true&expandInvoiceAddress=true&expandDunningInformation=true';
const ms = (stamp: string): number => Date.parse(`${stamp}Z`);

describe('GET /v1/customerinvoice', () => {
  let simulator: TestSimulator;
  let all: Item[];

  const list = async (query: string): Promise<Item[]> => {
    const response = await simulator.api('GET', `/v1/customerinvoice?${query}`);
    if (response.status !== 200) throw new Error(`${response.status} ${response.text}`);
    return parse<Item[]>(response);
  };
  const numbers = (items: Item[]): string[] => items.map((invoice) => invoice.referenceNumber);
  const expectFilter = async (query: string, keep: (invoice: Item) => boolean): Promise<void> => {
    const expected = numbers(all.filter(keep));
    expect(expected.length).toBeGreaterThan(0);
    expect(numbers(await list(`pageSize=1000&${query}`))).toEqual(expected);
  };

  beforeAll(async () => {
    simulator = await startTestSimulator();
    all = await list(`pageSize=1000&${ALL_EXPANDED}`);
  });
  afterAll(() => simulator.close());

  describe('paging', () => {
    it('answers a bare array sorted by referenceNumber', () => {
      expect(all).toHaveLength(500);
      expect(numbers(all)).toEqual([...numbers(all)].sort());
    });

    it('uses 100 items when pageSize is absent', async () => {
      expect(await list('')).toHaveLength(100);
    });

    it('puts metadata with totalCount and the maximum page size on every item', async () => {
      const page = await list('pageSize=10&pageNumber=3');
      expect(page).toHaveLength(10);
      for (const item of page) expect(item.metadata).toEqual({ totalCount: 500, maxPageSize: 1000 });
      expect(numbers(page)).toEqual(numbers(all).slice(20, 30));
    });

    it('returns an empty array past the last page', async () => {
      const response = await simulator.api('GET', '/v1/customerinvoice?pageSize=100&pageNumber=6');
      expect(response.status).toBe(200);
      expect(response.text).toBe('[]');
    });

    it('ignores the deprecated numberToRead and skipRecords', async () => {
      expect(numbers(await list('pageSize=5&numberToRead=1&skipRecords=50'))).toEqual(numbers(all).slice(0, 5));
    });

    it('ignores unknown query parameters and binds names case-insensitively', async () => {
      expect(numbers(await list('PAGESIZE=3&PageNumber=2&orderBy=amount'))).toEqual(numbers(all).slice(3, 6));
    });

    it('matches the path case-insensitively', async () => {
      const response = await simulator.api('GET', '/V1/CustomerInvoice?pageSize=1');
      expect(response.status).toBe(200);
    });

    it('caps pageSize at the maximum silently', async () => {
      const small = await startTestSimulator({ invoiceCount: 30, maxPageSize: 12 });
      try {
        const response = await small.api('GET', '/v1/customerinvoice?pageSize=500&pageNumber=2');
        const page = parse<Item[]>(response);
        expect(page).toHaveLength(12);
        expect(page[0]?.metadata).toEqual({ totalCount: 30, maxPageSize: 12 });
      } finally {
        await small.close();
      }
    });

    it.each([
      ['pageNumber=0', 'pageNumber'],
      ['pageSize=0', 'pageSize'],
      ['pageSize=ten', 'pageSize'],
    ])('refuses %s with 400', async (query, mention) => {
      const response = await simulator.api('GET', `/v1/customerinvoice?${query}`);
      expect(response.status).toBe(400);
      expect(parse<{ message: string }>(response).message).toMatch(new RegExp(`^VismaId: [0-9a-f-]{36}\\. .*${mention}`));
    });
  });

  describe('exact filters', () => {
    it.each(['Open', 'Closed', 'Balanced', 'Hold', 'Voided'])('filters status=%s', async (status) => {
      await expectFilter(`status=${status}`, (invoice) => invoice.status === status);
    });

    it('filters customer', async () => {
      await expectFilter('customer=10000', (invoice) => invoice.customer.number === '10000');
    });

    it('filters financialPeriod', async () => {
      await expectFilter('financialPeriod=202503', (invoice) => invoice.financialPeriod === '202503');
    });

    it('filters closedFinancialPeriod', async () => {
      const period = all.find((invoice) => invoice.closedFinancialPeriod !== null)?.closedFinancialPeriod ?? '';
      await expectFilter(`closedFinancialPeriod=${period}`, (invoice) => invoice.closedFinancialPeriod === period);
    });

    it.each([
      ['1', (invoice: Item) => ['Open', 'Closed', 'Voided', 'Reserved'].includes(invoice.status)],
      ['0', (invoice: Item) => !['Open', 'Closed', 'Voided', 'Reserved'].includes(invoice.status)],
    ])('filters released=%s', async (value, keep) => {
      await expectFilter(`released=${value}`, keep);
    });

    it('filters dunningLevel', async () => {
      await expectFilter('dunningLevel=1', (invoice) => invoice.dunningLetterLevel === 1);
    });

    it.each([
      ['externalReference', (invoice: Item) => invoice.externalReference],
      ['paymentReference', (invoice: Item) => invoice.paymentReference],
      ['customerRefNumber', (invoice: Item) => invoice.customerRefNumber],
      ['branch', (invoice: Item) => invoice.branchNumber?.number ?? null],
      ['project', (invoice: Item) => invoice.project?.id ?? null],
    ])('filters %s', async (name, field) => {
      const value = all.map(field).find((candidate) => candidate !== null && candidate !== '1') ?? '';
      await expectFilter(`${name}=${encodeURIComponent(value)}`, (invoice) => field(invoice) === value);
    });

    it('filters documentType=Invoice to everything and other types to nothing', async () => {
      expect(await list('pageSize=1000&documentType=Invoice')).toHaveLength(500);
      expect(await list('documentType=CreditNote')).toEqual([]);
    });

    it.each([
      ['status=Paid', 'status'],
      ['documentType=Bill', 'documentType'],
      ['released=yes', 'released'],
      ['released=2', 'released'],
      ['dunningLevel=high', 'dunningLevel'],
      ['financialPeriod=2025-03', 'financialPeriod'],
    ])('refuses %s with 400', async (query, mention) => {
      const response = await simulator.api('GET', `/v1/customerinvoice?${query}`);
      expect(response.status).toBe(400);
      expect(parse<{ message: string }>(response).message).toContain(mention);
    });
  });

  describe('date filters', () => {
    const fields: [string, (invoice: Item) => number | null][] = [
      ['lastModifiedDateTime', (invoice) => ms(invoice.lastModifiedDateTime)],
      ['createdDateTime', (invoice) => ms(invoice.createdDateTime)],
      ['documentDate', (invoice) => ms(invoice.documentDate)],
      ['documentDueDate', (invoice) => ms(invoice.documentDueDate)],
      ['dunningLetterDateTime', (invoice) => (invoice.dunningLetterDate === null ? null : ms(invoice.dunningLetterDate))],
    ];
    const operators: [string, (value: number, bound: number) => boolean][] = [
      ['>', (value, bound) => value > bound],
      ['<', (value, bound) => value < bound],
      ['>=', (value, bound) => value >= bound],
      ['<=', (value, bound) => value <= bound],
    ];

    describe.each(fields)('%s', (name, valueOf) => {
      // A bound that splits the data: the median value of the field.
      const bound = (): number => {
        const values = all
          .map(valueOf)
          .filter((value): value is number => value !== null)
          .sort((left, right) => left - right);
        return values[Math.floor(values.length / 2)] ?? 0;
      };
      const isoDate = (value: number): string => new Date(value).toISOString().slice(0, 10);

      it.each(operators)('applies %s sent raw', async (operator, holds) => {
        const day = isoDate(bound());
        const at = Date.parse(`${day}T00:00:00Z`);
        await expectFilter(`${name}=${day}&${name}Condition=${operator}`, (invoice) => {
          const value = valueOf(invoice);
          return value !== null && holds(value, at);
        });
      });

      it.each(operators)('applies %s sent percent-encoded', async (operator, holds) => {
        const day = isoDate(bound());
        const at = Date.parse(`${day}T00:00:00Z`);
        await expectFilter(`${name}=${day}&${name}Condition=${encodeURIComponent(operator)}`, (invoice) => {
          const value = valueOf(invoice);
          return value !== null && holds(value, at);
        });
      });
    });

    it.each([
      ['2025-06-01 12:30:00', '2025-06-01T12:30:00.000Z'],
      ['2025-06-01+12:30:00', '2025-06-01T12:30:00.000Z'],
      ['2025-06-01 12:30:00.5', '2025-06-01T12:30:00.500Z'],
      ['2025-06-01T12:30:00', '2025-06-01T12:30:00.000Z'],
      ['2025-06-01T12:30:00.250', '2025-06-01T12:30:00.250Z'],
    ])('reads lastModifiedDateTime in the form %s', async (text, instant) => {
      const at = Date.parse(instant);
      await expectFilter(
        `lastModifiedDateTime=${text.replace(/ /g, '%20')}&lastModifiedDateTimeCondition=%3E%3D`,
        (invoice) => ms(invoice.lastModifiedDateTime) >= at,
      );
    });

    it('combines a date filter with exact filters', async () => {
      await expectFilter(
        'customer=10000&status=Closed&documentDate=2025-01-01&documentDateCondition=>=',
        (invoice) => invoice.customer.number === '10000' && invoice.status === 'Closed' && ms(invoice.documentDate) >= Date.UTC(2025, 0, 1),
      );
    });

    it.each([
      ['lastModifiedDateTime=2025-01-01', 'mutually inclusive'],
      ['createdDateTimeCondition=%3E', 'mutually inclusive'],
      ['documentDate=2025-01-01&documentDateCondition==', 'documentDateCondition'],
      ['documentDate=2025-01-01&documentDateCondition=%3D%3E', 'documentDateCondition'],
      ['documentDueDate=2025-01-01&documentDueDateCondition=gt', 'documentDueDateCondition'],
      ['dunningLetterDateTime=yesterday&dunningLetterDateTimeCondition=%3E', 'not a valid date'],
      ['lastModifiedDateTime=2025-01-01T10:00:00Z&lastModifiedDateTimeCondition=%3E', 'not a valid date'],
      ['documentDate=2025-02-30&documentDateCondition=%3E', 'not a valid date'],
    ])('refuses %s with 400', async (query, mention) => {
      const response = await simulator.api('GET', `/v1/customerinvoice?${query}`);
      expect(response.status).toBe(400);
      expect(parse<{ message: string }>(response).message).toContain(mention);
    });
  });

  describe('expand flags', () => {
    it('leaves taxDetails, applications, attachments, invoiceAddress and dunning data null by default', async () => {
      const dunned = all.find((invoice) => invoice.dunningLetterLevel !== null);
      const page = await list('pageSize=1000');
      for (const item of page) {
        expect(item.taxDetails).toBeNull();
        expect(item.applications).toBeNull();
        expect(item.attachments).toBeNull();
        expect(item.invoiceAddress).toBeNull();
        expect(item.dunningLetterLevel).toBeNull();
      }
      expect(dunned).toBeDefined();
    });

    it('fills each part when asked', async () => {
      const page = await list(`pageSize=5&${ALL_EXPANDED}`);
      for (const item of page) {
        expect(Array.isArray(item.taxDetails)).toBe(true);
        expect(Array.isArray(item.applications)).toBe(true);
        expect(Array.isArray(item.attachments)).toBe(true);
        expect(item.invoiceAddress).not.toBeNull();
      }
    });

    it('refuses a flag that is not a boolean', async () => {
      const response = await simulator.api('GET', '/v1/customerinvoice?expandTaxDetails=1');
      expect(response.status).toBe(400);
    });
  });
});
