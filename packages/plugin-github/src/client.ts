import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';

export interface RetryPolicy {
  /** Retries of one request after its first attempt: a 5xx or network error, or a rate limit. */
  maxRetries: number;
  /** Backoff unit after a 5xx or network error: waits of 1, 4, 9, … times this (plugin-retry's schedule). */
  baseDelayMs: number;
  /** Most seconds the client spends waiting, backoff and rate limits together, over all its requests. */
  maxWaitSeconds: number;
  /** Least time between two writes (POST, PATCH, PUT, DELETE): GitHub asks for a second; thrice between new comments. */
  writeIntervalMs: number;
}

export interface ClientOptions {
  token: string;
  baseUrl: string;
  retry: RetryPolicy;
  /** Deadline of the hook the client works in: the wait budget is at most half of it. */
  deadlineMs?: number | undefined;
}

/** A retry the client gave up on: a rate limit that persists or a wait over the budget. No `status`: not a fallback trigger. */
export class RateLimitError extends Error {
  override readonly name = 'RateLimitError';
}

/**
 * Statuses plugin-retry leaves alone: its defaults, and 429, which plugin-throttling handles (with
 * `retry-after` or the reset time) so that a rate limit is never retried twice over.
 */
const DO_NOT_RETRY: readonly number[] = [400, 401, 403, 404, 410, 422, 429, 451];

/** Writes that notify people (a new PR comment) are spaced three times wider, as plugin-throttling does. */
const NOTIFYING_WRITE_FACTOR = 3;

/** Request options as the octokit hooks see them; `request` carries the retry plugins' counters. */
interface HookOptions {
  method?: string;
  url?: string;
  baseUrl?: string;
  request?: { [option: string]: unknown; retries?: number; retryCount?: number };
}

/** The seconds every retry of one client may still wait; each wait is taken from it or refused. */
class WaitBudget {
  #spentMs = 0;
  constructor(readonly limitMs: number) {}

  take(ms: number): boolean {
    if (this.#spentMs + ms > this.limitMs) return false;
    this.#spentMs += ms;
    return true;
  }

  describe(ms: number): string {
    const s = (ms: number): string => `${Number((ms / 1000).toFixed(1))}s`;
    return `a wait of ${s(ms)} is over the ${s(this.limitMs - this.#spentMs)} left of the wait budget (${s(this.limitMs)})`;
  }
}

/** `METHOD /path` of a request, without its query string or host: what the problem names. */
function callOf(options: HookOptions): string {
  let url = (options.url ?? '').replace(/\?.*$/, '');
  if (options.baseUrl && url.startsWith(options.baseUrl)) url = url.slice(options.baseUrl.length);
  return `${options.method ?? 'GET'} ${url}`;
}

interface Budgeted {
  maxRetries: number;
  baseDelayMs: number;
  budget: WaitBudget;
  refused: WeakMap<object, string>;
}

/**
 * Applied before plugin-retry, so its error hook is inside plugin-retry's and sees every failed
 * attempt first: it takes plugin-retry's next backoff from the budget, or, when it does not fit,
 * ends the retries of that request (`request.retries: 0`, the per-request setting plugin-retry reads).
 */
function waitBudget(octokit: Pick<Octokit, 'hook'>, options: { [option: string]: unknown }): void {
  const b = options['budgeted'] as Budgeted | undefined;
  if (!b) return;
  octokit.hook.error('request', (error: unknown, request: HookOptions) => {
    const status = (error as { status?: number }).status;
    if (status === undefined || status < 400 || DO_NOT_RETRY.includes(status)) throw error;
    const done = request.request?.retryCount ?? 0;
    if (done >= b.maxRetries) throw error;
    const waitMs = (done + 1) ** 2 * b.baseDelayMs;
    if (!b.budget.take(waitMs)) {
      request.request = { ...request.request, retries: 0 };
      b.refused.set(request, `HTTP ${status} after ${done} retries: ${b.budget.describe(waitMs)}`);
    }
    throw error;
  });
}

const GitHubOctokit = Octokit.plugin(waitBudget, retry, throttling);

/**
 * An Octokit for `baseUrl`, silent (the engine never prints). 5xx and network errors are retried
 * by @octokit/plugin-retry (backoff base × 1, 4, 9, …); rate limits by @octokit/plugin-throttling
 * (a secondary limit after `retry-after`, else a minute; a primary one after `x-ratelimit-reset`).
 * Both stop after `maxRetries` of one request, and every wait comes out of one budget of
 * `maxWaitSeconds` (at most half the hook's deadline), so a report never outlives its hook: a
 * wait that does not fit fails the call at once with a RateLimitError that names it.
 */
export function createClient(options: ClientOptions): Octokit {
  const { maxRetries, baseDelayMs, maxWaitSeconds, writeIntervalMs } = options.retry;
  const limitMs = Math.min(maxWaitSeconds * 1000, (options.deadlineMs ?? Number.POSITIVE_INFINITY) / 2);
  const budget = new WaitBudget(limitMs);
  const refused = new WeakMap<object, string>();

  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: HookOptions, _octokit: unknown, retryCount: number): boolean => {
      const waitMs = retryAfter * 1000;
      if (retryCount >= maxRetries) {
        refused.set(request, `${kind} persists after ${retryCount} retries (retry.maxRetries ${maxRetries})`);
        return false;
      }
      if (!budget.take(waitMs)) {
        refused.set(request, `${kind}: ${budget.describe(waitMs)} (retry.maxWaitSeconds ${maxWaitSeconds})`);
        return false;
      }
      return true;
    };

  const silent = (): void => undefined;
  const octokit = new GitHubOctokit({
    auth: options.token,
    baseUrl: options.baseUrl,
    userAgent: 'tfo-plugin-github',
    log: { debug: silent, info: silent, warn: silent, error: silent },
    budgeted: { maxRetries, baseDelayMs, budget, refused } satisfies Budgeted,
    retry: { retries: maxRetries, retryAfterBaseValue: baseDelayMs, doNotRetry: [...DO_NOT_RETRY] },
    throttle: {
      onRateLimit: onLimit('primary rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: writeIntervalMs }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: NOTIFYING_WRITE_FACTOR * writeIntervalMs }),
    },
  });
  // The hooks below are outermost, once per call. The retry counters plugin-retry keeps in
  // `request` would otherwise live in the options every call shares.
  octokit.hook.before('request', (request: HookOptions) => {
    request.request = { ...request.request };
  });
  // The error of a call that a rate limit or the budget ended names the call and why.
  octokit.hook.error('request', (error: unknown, request: HookOptions) => {
    const why = refused.get(request);
    if (why === undefined) throw error;
    const message = `GitHub API ${callOf(request)}: ${why}; rerun the job later or raise retry.maxWaitSeconds`;
    throw new RateLimitError(message, { cause: error });
  });
  return octokit;
}

/** A short description of a failed request for the run's problems (never the token or the body sent). */
export function describeRequestError(err: unknown): string {
  if (err instanceof RateLimitError) return err.message;
  const e = err as { status?: number; message?: string; request?: { method?: string; url?: string } };
  const where = e.request?.method && e.request.url ? `${e.request.method} ${e.request.url.replace(/\?.*$/, '')}: ` : '';
  const status = e.status !== undefined ? `HTTP ${e.status} ` : '';
  return `${where}${status}${e.message ?? String(err)}`.trim();
}
