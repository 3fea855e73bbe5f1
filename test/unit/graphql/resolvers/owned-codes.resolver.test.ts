import { FakeVismaApi, makeInvoice, makeLine } from '../support/fake-visma-api';
import { testGateway, type TestGateway } from '../support/test-gateway';

describe("Visma's codes unique only within their owner (Location, ProjectTask, County)", () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    const visma = new FakeVismaApi();
    visma.invoices = [
      makeInvoice({
        referenceNumber: '1',
        location: { id: 'MAIN', name: 'Primary location', countryId: 'SE' },
        invoiceAddress: {
          addressId: 1,
          line1: null,
          line2: null,
          line3: null,
          postalCode: null,
          city: null,
          country: null,
          county: { id: '03', name: 'Uppsala' },
          overridden: null,
        },
        lines: [makeLine(1, { projectTask: { internalId: 7, id: '01', description: 'Design' } })],
      }),
    ];
    gateway = await testGateway(visma);
  });

  afterAll(() => gateway.stop());

  it('answers the code as code, which no client cache keys on, and still as the deprecated id', async () => {
    const result = await gateway.run(`{ customerInvoice(referenceNumber: "1") {
      location { code id }
      invoiceAddress { county { code id } }
      lines { projectTask { code id } }
    } }`);
    expect(result).toEqual({
      data: {
        customerInvoice: {
          location: { code: 'MAIN', id: 'MAIN' },
          invoiceAddress: { county: { code: '03', id: '03' } },
          lines: [{ projectTask: { code: '01', id: '01' } }],
        },
      },
    });
  });

  it('deprecates their id, saying why', async () => {
    const result = await gateway.run(`{
      location: __type(name: "Location") { fields(includeDeprecated: true) { name deprecationReason } }
      task: __type(name: "ProjectTask") { fields(includeDeprecated: true) { name deprecationReason } }
      county: __type(name: "County") { fields(includeDeprecated: true) { name deprecationReason } }
    }`);
    for (const type of Object.values(result.data ?? {}) as Array<{ fields: Array<{ name: string; deprecationReason: string | null }> }>) {
      expect(type.fields.find((field) => field.name === 'id')?.deprecationReason).toMatch(/merges .* Use code\.$/);
      expect(type.fields.find((field) => field.name === 'code')?.deprecationReason).toBeNull();
    }
  });
});
