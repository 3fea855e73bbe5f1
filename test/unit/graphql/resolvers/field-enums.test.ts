import { FakeVismaApi, makeInvoice, makeLine } from '../support/fake-visma-api';
import { testGateway, type TestGateway } from '../support/test-gateway';
import type { InvoiceLine } from '../../../../src/visma/model';

function line(overrides: Partial<InvoiceLine>): InvoiceLine {
  return makeLine(1, overrides);
}

describe('enum fields below the invoice', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    const visma = new FakeVismaApi();
    visma.invoices = [
      makeInvoice({
        referenceNumber: '1',
        documentType: 'Quote',
        account: { number: '1500', description: 'AR', type: 'Asset', active: true, externalCode1: null, externalCode2: null },
        lines: [
          line({ lineType: 'GI', itemType: 'Service', typeOfWork: { rutRotType: 'Rot', description: 'Paint', xmlTag: 'Malning' } }),
          line({ lineNumber: 2, lineType: 'ZZ', itemType: 'Robot', typeOfWork: { rutRotType: 'Green', description: null, xmlTag: null } }),
          line({
            lineNumber: 3,
            account: { number: '3000', description: null, type: 'Equity', active: null, externalCode1: null, externalCode2: null },
            subaccount: {
              number: '1-2',
              id: 7,
              description: null,
              active: true,
              lastModifiedDateTime: null,
              segments: [{ segmentId: 1, description: 'Dept', value: '100', valueDescription: 'Sales' }],
            },
          }),
        ],
      }),
    ];
    gateway = await testGateway(visma);
  });

  afterAll(() => gateway.stop());

  it('maps known values and degrades unknown ones to UNKNOWN', async () => {
    const result = await gateway.run(`{ customerInvoice(referenceNumber: "1") {
      documentType account { type }
      lines { lineType itemType typeOfWork { rutRotType } account { type } subaccount { segments { segmentId segmentValue segmentValueDescription } } }
    } }`);
    expect(result).toEqual({
      data: {
        customerInvoice: {
          documentType: 'UNKNOWN',
          account: { type: 'ASSET' },
          lines: [
            { lineType: 'INVENTORY', itemType: 'SERVICE', typeOfWork: { rutRotType: 'ROT' }, account: null, subaccount: null },
            { lineType: 'UNKNOWN', itemType: 'UNKNOWN', typeOfWork: { rutRotType: 'UNKNOWN' }, account: null, subaccount: null },
            {
              lineType: null,
              itemType: null,
              typeOfWork: null,
              account: { type: 'UNKNOWN' },
              subaccount: { segments: [{ segmentId: 1, segmentValue: '100', segmentValueDescription: 'Sales' }] },
            },
          ],
        },
      },
    });
    expect(gateway.logs.filter((entry) => entry['enum'] !== undefined).map((entry) => [entry['enum'], entry['value']])).toEqual([
      ['DocumentType', 'Quote'],
      ['LineType', 'ZZ'],
      ['ItemType', 'Robot'],
      ['RotRutType', 'Green'],
      ['AccountType', 'Equity'],
    ]);
  });
});
