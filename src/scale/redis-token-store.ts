import type Redis from 'ioredis';
import type { SharedToken, SharedTokenStore } from '../visma/seams';

const FORGET = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).token == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * The fleet's Visma Connect token in Redis, kept until its renewal time, with a short lock so
 * one replica at a time fetches a new one. The token is a secret: Redis must be private to the
 * gateway (docs/scaling.md). `name` is a hash of the company, client and scopes.
 */
export class RedisTokenStore implements SharedTokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly name: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<SharedToken | null> {
    const stored = await this.redis.get(`visma-token:${this.name}`);
    if (stored === null) return null;
    const parsed = JSON.parse(stored) as Partial<SharedToken>;
    return typeof parsed.token === 'string' && typeof parsed.renewAt === 'number' ? { token: parsed.token, renewAt: parsed.renewAt } : null;
  }

  async lock(ttlMs: number): Promise<boolean> {
    return (await this.redis.set(`visma-token-lock:${this.name}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async put(token: SharedToken): Promise<void> {
    const ttlMs = Math.max(1, Math.floor(token.renewAt - this.now()));
    await this.redis
      .multi()
      .set(`visma-token:${this.name}`, JSON.stringify({ token: token.token, renewAt: token.renewAt }), 'PX', ttlMs)
      .del(`visma-token-lock:${this.name}`)
      .exec();
  }

  async forget(token: string): Promise<void> {
    await this.redis.eval(FORGET, 1, `visma-token:${this.name}`, token);
  }
}
