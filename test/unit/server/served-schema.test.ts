import { prebuildServedSchema, takeServedSchema } from '../../../src/server/served-schema';

describe('takeServedSchema', () => {
  it('gives the schema built in advance to the first server only, and builds one for each server after it', async () => {
    const prebuilt = await prebuildServedSchema();
    const first = await takeServedSchema();
    expect(first).toBe(prebuilt);
    const second = await takeServedSchema();
    const third = await takeServedSchema();
    expect(second).not.toBe(first);
    expect(third).not.toBe(second);
    expect(second.getType('CustomerInvoice')).toBeDefined();
  });
});
