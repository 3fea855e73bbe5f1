import { InvoiceDocument, ListInvoicesDocument } from '../generated/operations';
import { OpsGateway } from './helpers/ops-gateway';

describe('structured logs', () => {
  let gateway: OpsGateway;
  beforeAll(async () => {
    gateway = await OpsGateway.start();
  });
  afterAll(() => gateway.stop());

  it('puts the request id on every line a request causes, the Visma client lines included', async () => {
    gateway.logs.length = 0;
    const first = await gateway.run(InvoiceDocument, { referenceNumber: '003547' }, { 'x-request-id': 'ops-logs-1' });
    const second = await gateway.run(ListInvoicesDocument, { first: 2 }, { 'x-request-id': 'ops-logs-2' });
    expect(first.errors ?? second.errors).toBeUndefined();

    const visma = gateway.logs.filter((line) => line['component'] === 'visma-client');
    expect(visma.map((line) => [line['msg'], line['operation'], line['requestId']])).toEqual([
      ['visma attempt answered', 'POST /connect/token', 'ops-logs-1'],
      ['visma attempt answered', 'GET /v1/customerinvoice/003547', 'ops-logs-1'],
      ['visma attempt answered', 'GET /v1/customer/10000', 'ops-logs-1'],
      ['visma attempt answered', 'GET /v1/customerinvoice', 'ops-logs-2'],
    ]);
    const requestIds = new Set(gateway.logs.map((line) => line['requestId']));
    expect(requestIds).toEqual(new Set(['ops-logs-1', 'ops-logs-2']));
  });
});
