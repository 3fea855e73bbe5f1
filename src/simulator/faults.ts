/**
 * Fault injection for tests and benchmarks, per route template (or `*`), for the next N
 * matching requests or with a seeded probability. Latency faults add up and let the request
 * continue; the first other fault that fires decides what the client sees.
 */
import { createRandom, type Random } from './prng';

export const FAULT_KINDS = [
  'latency',
  'status',
  'rateLimited',
  'reset',
  'malformed',
  'emptyOk',
  'dropAfterCommit',
  'drop',
  'duplicate',
  'outOfOrder',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The route of webhook deliveries (webhooks.ts), spelt here so faults can check it without importing the sender. */
const WEBHOOK_ROUTE = 'POST {webhook}';
/** What can happen to a webhook delivery: never sent, sent twice, held back behind the next one, or delayed. */
const WEBHOOK_KINDS: readonly string[] = ['drop', 'duplicate', 'outOfOrder', 'latency'];

export interface FaultSpec {
  /**
   * A route template such as `GET /v1/customerinvoice/{referenceNumber}`, or `*` for every Visma
   * route; `POST {webhook}` for the webhook deliveries the simulator sends (never matched by `*`).
   */
  route: string;
  kind: FaultKind;
  /** Fire for the next `times` matching requests (default 1 when no probability is given). */
  times?: number;
  /** Or fire with this probability on every matching request, drawn from the seeded PRNG. */
  probability?: number;
  /** latency: added delay in milliseconds. */
  latencyMs?: number;
  /** status: the 5xx (or other) status to answer with; default 503. */
  status?: number;
  /** status: body form; default `json` (`{"message":…}`). */
  body?: 'json' | 'plain' | 'empty';
  /** rateLimited: the Retry-After seconds; default 1. */
  retryAfterSeconds?: number;
}

export interface Fault extends FaultSpec {
  id: number;
  /** How many more times it fires; null when probabilistic. */
  remaining: number | null;
  fired: number;
}

export interface FaultPlan {
  latencyMs: number;
  /** The first non-latency fault that fired, if any. */
  fault: Fault | null;
}

function checkSpec(spec: unknown): FaultSpec {
  if (typeof spec !== 'object' || spec === null) throw new Error('a fault must be a JSON object');
  const fields = spec as Record<string, unknown>;
  if (typeof fields.route !== 'string' || fields.route.length === 0) throw new Error('fault.route must be a route template or "*"');
  if (typeof fields.kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(fields.kind)) {
    throw new Error(`fault.kind must be one of ${FAULT_KINDS.join(', ')}, received ${JSON.stringify(fields.kind)}`);
  }
  const optionalNumber = (name: string, min: number, max: number, integer: boolean): number | undefined => {
    const value = fields[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw new Error(
        `fault.${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], received ${JSON.stringify(value)}`,
      );
    }
    return value;
  };
  const webhook = fields.route.toLowerCase() === WEBHOOK_ROUTE.toLowerCase();
  if (webhook !== WEBHOOK_KINDS.includes(fields.kind) && fields.kind !== 'latency') {
    throw new Error(
      webhook
        ? `a fault on ${WEBHOOK_ROUTE} must be one of ${WEBHOOK_KINDS.join(', ')}, received ${JSON.stringify(fields.kind)}`
        : `fault.kind ${fields.kind} applies only to the route ${WEBHOOK_ROUTE} (webhook deliveries)`,
    );
  }
  const times = optionalNumber('times', 1, 1_000_000_000, true);
  const probability = optionalNumber('probability', 0, 1, false);
  if (times !== undefined && probability !== undefined) throw new Error('fault.times and fault.probability are exclusive');
  const body = fields.body;
  if (body !== undefined && body !== 'json' && body !== 'plain' && body !== 'empty') {
    throw new Error('fault.body must be json, plain or empty');
  }
  const result: FaultSpec = { route: fields.route, kind: fields.kind as FaultKind };
  if (times !== undefined) result.times = times;
  if (probability !== undefined) result.probability = probability;
  const latencyMs = optionalNumber('latencyMs', 0, 600_000, true);
  if (latencyMs !== undefined) result.latencyMs = latencyMs;
  const status = optionalNumber('status', 100, 599, true);
  if (status !== undefined) result.status = status;
  if (body !== undefined) result.body = body;
  const retryAfterSeconds = optionalNumber('retryAfterSeconds', 0, 86_400, true);
  if (retryAfterSeconds !== undefined) result.retryAfterSeconds = retryAfterSeconds;
  return result;
}

export class FaultInjector {
  private faults: Fault[] = [];
  private nextId = 1;
  private random: Random;

  constructor(private readonly seed: number) {
    this.random = createRandom(seed ^ 0x5eed);
  }

  /** Validates and adds a fault; throws with a message naming the bad field. */
  add(spec: unknown): Fault {
    const checked = checkSpec(spec);
    const fault: Fault = {
      ...checked,
      id: this.nextId++,
      remaining: checked.probability === undefined ? (checked.times ?? 1) : null,
      fired: 0,
    };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults = [];
  }

  /** Reseeds the probability source too, so a reset replays the same fault sequence. */
  reset(): void {
    this.clear();
    this.random = createRandom(this.seed ^ 0x5eed);
  }

  /** `wildcard` false: only faults naming the template apply (webhook deliveries are not Visma routes). */
  plan(template: string, wildcard = true): FaultPlan {
    const result: FaultPlan = { latencyMs: 0, fault: null };
    if (this.faults.length === 0) return result;
    for (const fault of this.faults) {
      const matches = fault.route.toLowerCase() === template.toLowerCase() || (wildcard && fault.route === '*');
      if (!matches) continue;
      if (fault.kind !== 'latency' && result.fault !== null) continue;
      const fires = fault.remaining === null ? this.random.chance(fault.probability ?? 0) : fault.remaining > 0;
      if (!fires) continue;
      if (fault.remaining !== null) fault.remaining -= 1;
      fault.fired += 1;
      if (fault.kind === 'latency') result.latencyMs += fault.latencyMs ?? 0;
      else result.fault = fault;
    }
    this.faults = this.faults.filter((fault) => fault.remaining === null || fault.remaining > 0);
    return result;
  }
}
