import { FakeVismaApi } from '../graphql/support/fake-visma-api';
import { testGateway, type TestGateway } from '../graphql/support/test-gateway';
import { planCreate } from '../../../src/invoices/write-plan';
import { stampFor } from '../../../src/idempotency';
import { draftToWire, patchToWire } from '../../../src/visma/mapping';
import type { GatewayContext } from '../../../src/graphql/context';

/** A dry run (docs/mcp.md): the mutation runs as it would, through an invoices service that plans its writes. */
describe('dry runs of writes', () => {
  let visma: FakeVismaApi;
  let gateway: TestGateway;

  beforeEach(async () => {
    visma = new FakeVismaApi();
    gateway = await testGateway(visma, {}, { withoutUpstreamCache: true });
  });
  afterEach(() => gateway.stop());

  function planning(): GatewayContext {
    const context = gateway.server.createContext();
    return { ...context, invoices: context.invoices.planning() };
  }

  it('answers a create with DRY_RUN and the calls it would make, and makes none', async () => {
    const result = await gateway.runWith(
      planning(),
      'mutation { createInvoice(input: { customerNumber: "10000", lines: [{ description: "Hour", quantity: "2", unitPrice: "100" }] }) { id } }',
    );
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'DRY_RUN',
      write: 'created',
      calls: [
        {
          method: 'POST',
          path: '/v2/customerinvoice',
          body: draftToWire({ customerNumber: '10000', lines: [{ description: 'Hour', quantity: '2', unitPriceInCurrency: '100' }] }),
        },
        { method: 'GET', path: '/v1/customerinvoice/{referenceNumber}' },
      ],
    });
    expect(visma.calls).toEqual([]);
  });

  it('plans a line change with If-Match and its read-back', async () => {
    const result = await gateway.runWith(
      planning(),
      'mutation { updateInvoiceLines(referenceNumber: "003547", expectedVersion: "AAAAAAAACcU=", lines: [{ operation: DELETE, lineNumber: 2 }]) { id } }',
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'DRY_RUN',
      write: 'updated',
      calls: [
        {
          method: 'PUT',
          path: '/v1/customerinvoice/003547',
          headers: { 'If-Match': '"AAAAAAAACcU="' },
          body: patchToWire({ lineChanges: [{ operation: 'Delete', lineNumber: 2 }] }),
        },
        { method: 'GET', path: '/v1/customerinvoice/003547' },
      ],
    });
    expect(visma.calls).toEqual([]);
  });

  it('fails a write that breaks a rule the same way in a dry run as for real: an insert without expectedVersion', async () => {
    const insert =
      'mutation { updateInvoiceLines(referenceNumber: "003547", lines: [{ operation: INSERT, line: { description: "x" } }]) { id } }';
    const dry = await gateway.runWith(planning(), insert);
    const real = await gateway.run(insert);
    expect(dry.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(dry.errors?.map(({ message, extensions }) => ({ message, field: extensions?.['field'] }))).toEqual(
      real.errors?.map(({ message, extensions }) => ({ message, field: extensions?.['field'] })),
    );
    expect(visma.calls).toEqual([]);
  });

  it('stamps a keyed create and looks for the stamp first only where the key store would not remember a crash', () => {
    const draft = { customerNumber: '10000', lines: [{ description: 'Hour' }] };
    const key = 'dry-run-key-0123456789';
    const inMemory = planCreate(draft, { key, looksUpFirst: true });
    const shared = planCreate(draft, { key, looksUpFirst: false });
    expect(inMemory.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      `GET /v1/customerinvoice?externalReference=${stampFor(key)}&pageNumber=1&pageSize=2`,
      'POST /v2/customerinvoice',
      'GET /v1/customerinvoice/{referenceNumber}',
    ]);
    expect(shared.calls.map((call) => call.method)).toEqual(['POST', 'GET']);
    expect(shared.calls[0]?.body).toEqual(draftToWire({ ...draft, externalReference: stampFor(key) }));
  });
});
