/**
 * Pure retry decisions: when to try again and how long to wait. No clock, no randomness,
 * no sleeping here; the loop in retry.ts supplies them.
 */

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** No retry starts later than this after the first attempt. */
  maxElapsedMs: number;
  /** First backoff ceiling; doubles with every retry. */
  baseDelayMs: number;
  /** Ceiling of the exponential backoff. */
  maxDelayMs: number;
  /** Ceiling of a server-requested Retry-After. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  maxElapsedMs: 5 * 60_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/** Why an attempt failed in a way that may be retried. */
export type RetryableFailure =
  | { kind: 'status'; status: number; retryAfter?: string | undefined }
  | { kind: 'transport' }
  | { kind: 'unreadable' };

/** HTTP statuses Graph and the token endpoint use for "try again later". */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/**
 * Parses a Retry-After header into milliseconds: delta-seconds (fractional allowed, as
 * Graph sends e.g. `2.128`) or an HTTP-date. Returns null when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // An HTTP-date names its weekday or month; Date.parse alone would accept "-3" as a year.
  const at = /[a-z]{3}/i.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/**
 * Exponential backoff with full jitter: uniformly random in [0, min(cap, base·2^(n-1))],
 * `retry` counting from 1. `random` returns a number in [0, 1).
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(retry - 1, 0), 30);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/**
 * How long to wait before the next attempt, or null to give up. `attempts` is how many
 * attempts have been made so far; `elapsedMs` the time since the first one started.
 */
export function nextDelay(
  failure: RetryableFailure,
  attempts: number,
  elapsedMs: number,
  policy: RetryPolicy,
  random: () => number,
  nowMs: number,
): number | null {
  if (attempts >= policy.maxAttempts) return null;
  const requested = failure.kind === 'status' ? parseRetryAfter(failure.retryAfter, nowMs) : null;
  const delay =
    requested === null
      ? backoffDelay(attempts, policy, random)
      : Math.min(requested, policy.maxRetryAfterMs);
  if (elapsedMs + delay > policy.maxElapsedMs) return null;
  return delay;
}
