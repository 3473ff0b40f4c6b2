import { nextDelay, type RetryPolicy, type RetryableFailure } from './retry-policy.ts';

/**
 * Thrown by an attempt that may be retried. `finalError` is what the caller sees when the
 * retries run out, so the last failure is reported in its own words.
 */
export class RetryableAttemptError extends Error {
  constructor(
    readonly failure: RetryableFailure,
    readonly finalError: (attempts: number) => Error,
  ) {
    super('retryable attempt failure');
    this.name = 'RetryableAttemptError';
  }
}

/** The world the retry loop needs; injectable so tests need not wait. */
export interface RetryRuntime {
  policy: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  /** Told before every wait. */
  onRetry?: (failure: RetryableFailure, waitMs: number) => void;
}

/** Waits `ms` milliseconds for real. */
export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `attempt` until it succeeds, throws something other than RetryableAttemptError, or
 * the policy gives up (then the failure's `finalError` is thrown).
 */
export async function withRetry<T>(
  runtime: RetryRuntime,
  attempt: (attemptNo: number) => Promise<T>,
): Promise<T> {
  const started = runtime.now();
  for (let attempts = 1; ; attempts++) {
    try {
      return await attempt(attempts);
    } catch (err) {
      if (!(err instanceof RetryableAttemptError)) throw err;
      const now = runtime.now();
      const wait = nextDelay(
        err.failure,
        attempts,
        now - started,
        runtime.policy,
        runtime.random,
        now,
      );
      if (wait === null) throw err.finalError(attempts);
      runtime.onRetry?.(err.failure, wait);
      await runtime.sleep(wait);
    }
  }
}
