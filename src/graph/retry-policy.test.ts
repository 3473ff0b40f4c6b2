import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  isRetryableStatus,
  nextDelay,
  parseRetryAfter,
  type RetryPolicy,
} from './retry-policy.ts';

const policy: RetryPolicy = {
  maxAttempts: 5,
  maxElapsedMs: 10_000,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  maxRetryAfterMs: 3_000,
};
const NOW = Date.parse('2025-03-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads whole and fractional seconds', () => {
    expect(parseRetryAfter('3', NOW)).toBe(3000);
    expect(parseRetryAfter('2.128', NOW)).toBe(2128);
    expect(parseRetryAfter(' 0.05 ', NOW)).toBe(50);
    expect(parseRetryAfter('0', NOW)).toBe(0);
  });

  it('reads an HTTP-date relative to now, never negative', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:00:07 GMT', NOW)).toBe(7000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 11:59:00 GMT', NOW)).toBe(0);
  });

  it('returns null for absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeNull();
    expect(parseRetryAfter('', NOW)).toBeNull();
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter('-3', NOW)).toBeNull();
  });
});

describe('backoffDelay', () => {
  it('stays within [0, min(cap, base·2^(n-1))) for every retry and random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (n, r) => {
          const d = backoffDelay(n, policy, () => r);
          const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
          return d >= 0 && d < ceiling && Number.isInteger(d);
        },
      ),
    );
  });

  it('doubles the ceiling each retry until the cap', () => {
    const top = () => 0.999999;
    expect(backoffDelay(1, policy, top)).toBe(99);
    expect(backoffDelay(2, policy, top)).toBe(199);
    expect(backoffDelay(4, policy, top)).toBe(799);
    expect(backoffDelay(5, policy, top)).toBe(999);
    expect(backoffDelay(40, policy, top)).toBe(999);
  });

  it('uses full jitter: the lowest draw waits nothing', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });
});

describe('nextDelay', () => {
  const half = () => 0.5;

  it('honours Retry-After, capped', () => {
    expect(
      nextDelay({ kind: 'status', status: 429, retryAfter: '1.5' }, 1, 0, policy, half, NOW),
    ).toBe(1500);
    expect(
      nextDelay({ kind: 'status', status: 429, retryAfter: '120' }, 1, 0, policy, half, NOW),
    ).toBe(3000);
  });

  it('falls back to backoff without Retry-After and for network failures', () => {
    expect(nextDelay({ kind: 'status', status: 503 }, 2, 0, policy, half, NOW)).toBe(100);
    expect(nextDelay({ kind: 'transport' }, 1, 0, policy, half, NOW)).toBe(50);
    expect(nextDelay({ kind: 'unreadable' }, 3, 0, policy, half, NOW)).toBe(200);
  });

  it('gives up after maxAttempts', () => {
    expect(nextDelay({ kind: 'transport' }, 4, 0, policy, half, NOW)).not.toBeNull();
    expect(nextDelay({ kind: 'transport' }, 5, 0, policy, half, NOW)).toBeNull();
  });

  it('gives up when the wait would pass the total time budget', () => {
    expect(
      nextDelay({ kind: 'status', status: 429, retryAfter: '2' }, 1, 8_000, policy, half, NOW),
    ).toBe(2000);
    expect(
      nextDelay({ kind: 'status', status: 429, retryAfter: '2' }, 1, 8_001, policy, half, NOW),
    ).toBeNull();
  });
});

describe('isRetryableStatus', () => {
  it('retries busy answers only', () => {
    expect([429, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 410, 500].some(isRetryableStatus)).toBe(false);
  });

  it('has sane defaults', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBe(8);
    expect(DEFAULT_RETRY_POLICY.maxRetryAfterMs).toBe(60_000);
  });
});
