import { setTimeout as sleep } from 'node:timers/promises';
import { Octokit } from '@octokit/rest';

export interface RetryPolicy {
  /** Retries of one request after the first attempt (rate limits and 5xx alike). */
  maxRetries: number;
  /** First backoff after a 5xx or a network error; doubles each retry. */
  baseDelayMs: number;
  /** Longest wait for a rate limit to reset; a longer one fails the request at once. */
  maxWaitSeconds: number;
}

export interface ClientOptions {
  token: string;
  baseUrl: string;
  retry: RetryPolicy;
}

/** What a failed octokit request carries (a RequestError, duck-typed: no direct dependency). */
interface FailedRequest {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** A rate limit that resets later than the plugin is allowed to wait. */
export class RateLimitError extends Error {
  override readonly name = 'RateLimitError';
}

const SERVER_ERRORS: ReadonlySet<number> = new Set([500, 502, 503, 504]);
/** A GitHub secondary rate limit without `retry-after`: GitHub asks to wait at least a minute. */
const SECONDARY_WAIT_MS = 60_000;

/**
 * How long to wait before retrying a failed request, or `undefined` when it must not be retried.
 * Primary rate limit (403/429 with `x-ratelimit-remaining: 0`): until `x-ratelimit-reset`, plus a
 * second for clock skew. `retry-after` (secondary limits, 429): that many seconds. Other 429s and
 * 5xx and network errors: exponential backoff. Any other 4xx is final. A wait over the maximum
 * throws RateLimitError, so a job fails with a reason instead of sleeping for an hour.
 */
export function retryDelay(err: unknown, attempt: number, policy: RetryPolicy, now = Date.now()): number | undefined {
  const e = err as FailedRequest;
  const status = e.status;
  const headers = e.response?.headers ?? {};
  const header = (name: string): string | undefined => {
    const value = headers[name];
    return value === undefined ? undefined : String(value);
  };
  const backoff = policy.baseDelayMs * 2 ** attempt;
  let wait: number | undefined;
  let why = '';
  if (status === 403 || status === 429) {
    const retryAfter = Number(header('retry-after'));
    const remaining = header('x-ratelimit-remaining');
    const reset = Number(header('x-ratelimit-reset'));
    if (header('retry-after') !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) {
      wait = retryAfter * 1000;
      why = `retry-after ${retryAfter}s`;
    } else if (remaining === '0' && Number.isFinite(reset)) {
      wait = Math.max(0, reset * 1000 - now) + 1000;
      why = `rate limit resets at ${new Date(reset * 1000).toISOString()}`;
    } else if (status === 403 && /secondary rate limit/i.test(e.message ?? '')) {
      wait = SECONDARY_WAIT_MS;
      why = 'secondary rate limit';
    } else if (status === 429) {
      wait = backoff;
      why = 'too many requests';
    } else {
      return undefined; // a permission problem: retrying will not help
    }
    if (wait > policy.maxWaitSeconds * 1000) {
      throw new RateLimitError(
        `GitHub API rate limit: ${why}, a wait of ${Math.ceil(wait / 1000)}s is over maxWaitSeconds ` +
          `(${policy.maxWaitSeconds}s); rerun the job later or raise retry.maxWaitSeconds`,
        { cause: err },
      );
    }
  } else if (status !== undefined && SERVER_ERRORS.has(status)) {
    wait = backoff;
  } else if (status === undefined || status === 0) {
    wait = backoff; // no response at all (connection reset, DNS)
  } else {
    return undefined;
  }
  return attempt < policy.maxRetries ? wait : undefined;
}

/** An Octokit for `baseUrl`, silent (the engine never prints), with bounded retries around every request. */
export function createClient(options: ClientOptions): Octokit {
  const silent = (): void => undefined;
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.baseUrl,
    userAgent: 'tfo-plugin-github',
    log: { debug: silent, info: silent, warn: silent, error: silent },
  });
  octokit.hook.wrap('request', async (request, requestOptions) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(requestOptions);
      } catch (err) {
        const wait = retryDelay(err, attempt, options.retry);
        if (wait === undefined) throw err;
        await sleep(wait);
      }
    }
  });
  return octokit;
}

/** A short description of a failed request for the run's problems (never the token or the body sent). */
export function describeRequestError(err: unknown): string {
  const e = err as FailedRequest & { request?: { method?: string; url?: string } };
  if (err instanceof RateLimitError) return err.message;
  const where = e.request?.method && e.request.url ? `${e.request.method} ${e.request.url.replace(/\?.*$/, '')}: ` : '';
  const status = e.status !== undefined ? `HTTP ${e.status} ` : '';
  return `${where}${status}${e.message ?? String(err)}`.trim();
}
