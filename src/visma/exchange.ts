import {
  VismaResponseTooLargeError,
  VismaTimeoutError,
  VismaUnavailableError,
  isVismaError,
  type VismaError,
  type VismaOutcome,
} from './errors';
import {
  AttemptFailure,
  sendAttempt,
  type BodyLimits,
  type FailureReason,
  type FetchLike,
  type HttpRequest,
  type HttpResponse,
} from './http';
import type { Now, Random, Sleep } from './options';
import { fullJitterDelay, isRetryableStatus, parseRetryAfter } from './retry';
import type { AttemptGuard, AttemptInfo, RetryBudget, TracedCall, VismaEvent, VismaLogger, VismaObserver, VismaService } from './seams';

/** The limits one call runs under, shared by its attempts and its token fetch. */
export interface CallContext {
  /** Epoch ms; no attempt starts after it and a running one is aborted at it. */
  deadline: number;
  callerSignal: AbortSignal | undefined;
  /** The call's span, when it is traced: every attempt of it (its token's too) gets a span under it. */
  trace?: TracedCall | undefined;
}

export interface ExchangeMeta {
  /** `METHOD /path` for logs and error messages (never the query string: it may name customers). */
  operation: string;
  /** `METHOD /template` for events: the operation with its identifiers as placeholders. */
  route: string;
  /** Safe to repeat (GET, the token request). Decides retries and the `outcome` of failures. */
  idempotent: boolean;
}

export interface ExchangeSettings {
  fetch: FetchLike;
  attemptTimeoutMs: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  now: Now;
  sleep: Sleep;
  random: Random;
  logger: VismaLogger;
  /** Where this exchanger's attempts go; named on every event. */
  service: VismaService;
  onEvent: VismaObserver;
  guard: AttemptGuard;
  budget: RetryBudget;
  closeSignal: AbortSignal;
  bodies: BodyLimits;
}

const MAX_TIMER_MS = 2_147_483_647;

// Why each attempt failed, kept beside the public error so retry decisions need no public field.
const failureReasons = new WeakMap<VismaError, FailureReason>();

/**
 * Sends one request with the attempts, timeouts and waits the retry policy allows, and returns
 * the last answer whatever its status (the caller maps statuses to errors). Throws a VismaError
 * when no answer came back.
 */
export class Exchanger {
  constructor(private readonly settings: ExchangeSettings) {}

  async send(request: HttpRequest, call: CallContext, meta: ExchangeMeta): Promise<HttpResponse> {
    const { maxAttempts, now, logger } = this.settings;
    // The id the call sends upstream names its log lines too: work outside any request (a change
    // poll, a webhook's read) has no request scope to take one from (docs/operations.md, "Logs").
    const sentId = request.headers['X-Request-Id'];
    const id = sentId === undefined ? {} : { requestId: sentId };
    for (let attempt = 1; ; attempt += 1) {
      const info: AttemptInfo = {
        operation: meta.operation,
        method: request.method,
        attempt,
        idempotent: meta.idempotent,
        deadline: call.deadline,
        ...(call.callerSignal === undefined ? {} : { signal: call.callerSignal }),
      };
      if (attempt === 1) this.settings.budget.recordAttempt(info);
      this.assertMayStart(call, meta);

      let response: HttpResponse | undefined;
      let failure: VismaError | undefined;
      const startedAt = now();
      try {
        response = await this.settings.guard.run(info, () => this.attempt(request, call, meta, attempt));
        const durationMs = now() - startedAt;
        logger.debug('visma attempt answered', { ...id, operation: meta.operation, attempt, status: response.status, ms: durationMs });
        this.emit({ type: 'answered', service: this.settings.service, route: meta.route, attempt, status: response.status, durationMs });
      } catch (error) {
        if (!isVismaError(error)) throw error;
        failure = error;
        const durationMs = now() - startedAt;
        logger.debug('visma attempt failed', { ...id, operation: meta.operation, attempt, error: error.name, ms: durationMs });
        this.emit({ type: 'failed', service: this.settings.service, route: meta.route, attempt, error: error.name, durationMs });
      }

      const delay = this.retryDelay(response, failure, attempt, call, meta);
      if (delay === undefined || attempt >= maxAttempts || !this.settings.budget.tryAcquireRetry(info)) {
        if (failure !== undefined) throw failure;
        return response as HttpResponse;
      }
      logger.warn('visma retry', {
        ...id,
        operation: meta.operation,
        attempt,
        ...(response === undefined ? { reason: failureReasons.get(failure as VismaError) } : { status: response.status }),
        delayMs: delay,
      });
      this.emit({ type: 'retry', service: this.settings.service, route: meta.route, attempt, delayMs: delay });
      call.trace?.retrying({
        service: this.settings.service,
        route: meta.route,
        attempt,
        delayMs: delay,
        ...(response === undefined ? { reason: failureReasons.get(failure as VismaError) } : { status: response.status }),
      });
      await this.settings.sleep(delay, anySignal(this.settings.closeSignal, call.callerSignal));
    }
  }

  /** An observer is someone else's code: if it throws, the call goes on and the log says so. */
  private emit(event: VismaEvent): void {
    try {
      this.settings.onEvent(event);
    } catch (error) {
      this.settings.logger.warn('visma event observer failed', {
        event: event.type,
        route: event.route,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }

  /**
   * How long to wait before the next attempt, or undefined when there must not be one: the
   * request is not safe to repeat, the failure is final, or the wait would not fit the deadline.
   * `Retry-After` is honoured when it fits, and otherwise ends the call at once.
   */
  private retryDelay(
    response: HttpResponse | undefined,
    failure: VismaError | undefined,
    attempt: number,
    call: CallContext,
    meta: ExchangeMeta,
  ): number | undefined {
    if (!meta.idempotent) return undefined;
    const { now, retryBaseDelayMs, retryMaxDelayMs, random } = this.settings;
    let delay: number;
    if (response !== undefined) {
      if (!isRetryableStatus(response.status)) return undefined;
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now());
      delay = retryAfter !== undefined ? retryAfter * 1000 : fullJitterDelay(attempt, retryBaseDelayMs, retryMaxDelayMs, random);
    } else {
      const reason = failure === undefined ? undefined : failureReasons.get(failure);
      if (reason !== 'attempt_timeout' && reason !== 'refused' && reason !== 'lost') return undefined;
      delay = fullJitterDelay(attempt, retryBaseDelayMs, retryMaxDelayMs, random);
    }
    return now() + delay < call.deadline ? delay : undefined;
  }

  private assertMayStart(call: CallContext, meta: ExchangeMeta): void {
    const { closeSignal, now } = this.settings;
    let reason: FailureReason | undefined;
    if (closeSignal.aborted) reason = 'closed';
    else if (call.callerSignal?.aborted) reason = 'aborted';
    else if (now() >= call.deadline) reason = 'deadline';
    if (reason !== undefined) {
      throw this.toVismaError(new AttemptFailure(reason, false, undefined, undefined), meta);
    }
  }

  private async attempt(request: HttpRequest, call: CallContext, meta: ExchangeMeta, attempt: number): Promise<HttpResponse> {
    const { fetch, now, attemptTimeoutMs, closeSignal, bodies, service } = this.settings;
    // Inside the guard: the span times the HTTP exchange, not the wait for a slot or the pacing.
    const traced = call.trace?.startAttempt(request, { service, route: meta.route, attempt });
    try {
      const response = await sendAttempt(fetch, traced?.request ?? request, {
        attemptEndsAt: now() + attemptTimeoutMs,
        deadline: call.deadline,
        callerSignal: call.callerSignal,
        closeSignal,
        now,
        bodies,
      });
      traced?.answered(response.status);
      return response;
    } catch (error) {
      traced?.failed(error instanceof AttemptFailure ? error.reason : 'unknown');
      if (error instanceof AttemptFailure) throw this.toVismaError(error, meta);
      throw error;
    }
  }

  private toVismaError(failure: AttemptFailure, meta: ExchangeMeta): VismaError {
    const { operation, idempotent } = meta;
    // A write that left this process without an answer may have been applied (RFC 9110 9.2.2).
    const outcome: VismaOutcome | undefined = !failure.sent ? 'not_applied' : idempotent ? undefined : 'unknown';
    const details = { operation, cause: failure, ...(outcome === undefined ? {} : { outcome }) };
    const unknown = outcome === 'unknown' ? '; Visma may or may not have applied it' : '';
    const code = failure.code === undefined ? '' : ` (${failure.code})`;
    let error: VismaError;
    switch (failure.reason) {
      case 'attempt_timeout':
        error = new VismaTimeoutError(`Visma did not answer ${operation} within ${this.settings.attemptTimeoutMs} ms${unknown}`, details);
        break;
      case 'deadline':
        error = new VismaTimeoutError(`${operation} ran out of time before Visma answered${unknown}`, details);
        break;
      case 'aborted':
        error = new VismaTimeoutError(`${operation} was aborted by the caller${unknown}`, details);
        break;
      case 'closed':
        error = new VismaUnavailableError(`${operation} was cancelled because the Visma client was closed${unknown}`, details);
        break;
      case 'refused':
        error = new VismaUnavailableError(`Could not connect to Visma for ${operation}${code}`, details);
        break;
      case 'lost':
        error = new VismaUnavailableError(`The connection to Visma failed during ${operation}${code}${unknown}`, details);
        break;
      case 'too_large': {
        const limitBytes = failure.limitBytes ?? 0;
        error = new VismaResponseTooLargeError(
          `Visma's answer to ${operation} is larger than ${limitBytes} bytes, the most one answer may have; it was not read${unknown}`,
          limitBytes,
          details,
        );
        break;
      }
    }
    failureReasons.set(error, failure.reason);
    return error;
  }
}

export function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  return present.length === 1 ? (present[0] as AbortSignal) : AbortSignal.any(present);
}

/**
 * Waits for `promise` on behalf of one call: settles with it, or rejects when the call's own
 * deadline passes or its caller aborts first. Used where several calls share one piece of work
 * (the token refresh), so that one caller giving up does not cancel it for the others.
 */
export function raceCall<T>(
  promise: Promise<T>,
  call: CallContext,
  now: Now,
  onGiveUp: (reason: 'deadline' | 'aborted') => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const settle = (): void => {
      clearTimeout(timer);
      call.callerSignal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      settle();
      reject(onGiveUp('aborted'));
    };
    // setTimeout fires at once for delays above 2^31-1 ms; a far deadline must not do that.
    const timer = setTimeout(
      () => {
        settle();
        reject(onGiveUp('deadline'));
      },
      Math.min(MAX_TIMER_MS, Math.max(0, call.deadline - now())),
    );
    timer.unref();
    if (call.callerSignal?.aborted) {
      onAbort();
      return;
    }
    call.callerSignal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the call's own error, passed on unchanged
        reject(error);
      },
    );
  });
}
