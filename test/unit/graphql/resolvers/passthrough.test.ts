import { FakeVismaApi, makeInvoice } from '../support/fake-visma-api';
import { testGateway, type TestGateway } from '../support/test-gateway';

describe('passthrough authentication', () => {
  let visma: FakeVismaApi;
  let gateway: TestGateway;

  beforeEach(async () => {
    visma = new FakeVismaApi();
    visma.invoices = [makeInvoice({ referenceNumber: '1' })];
    gateway = await testGateway(visma, { VISMA_AUTH_MODE: 'passthrough' });
  });

  afterEach(() => gateway.stop());

  it("forwards the caller's bearer token with every upstream call", async () => {
    await gateway.run('{ customerInvoice(referenceNumber: "1") { referenceNumber } }', undefined, { authorization: 'Bearer abc.def' });
    expect(visma.calls[0]?.options).toMatchObject({ accessToken: 'abc.def' });
  });

  it('refuses a request without a bearer token as UNAUTHENTICATED', () => {
    expect(() => gateway.server.createContext({ authorization: 'Basic eDp5' })).toThrow(
      expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } }),
    );
  });
});
