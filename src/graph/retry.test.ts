import { describe, expect, it } from 'vitest';
import { RetryableAttemptError, withRetry, type RetryRuntime } from './retry.ts';
import type { RetryableFailure } from './retry-policy.ts';

function runtime(waits: number[], events: RetryableFailure[] = []): RetryRuntime {
  let clock = 0;
  return {
    policy: {
      maxAttempts: 4,
      maxElapsedMs: 60_000,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      maxRetryAfterMs: 5000,
    },
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    now: () => clock,
    onRetry: (f) => events.push(f),
  };
}

describe('withRetry', () => {
  it('retries retryable failures and returns the eventual success', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetry(runtime(waits), async () => {
      calls++;
      if (calls < 3)
        throw new RetryableAttemptError(
          { kind: 'status', status: 429, retryAfter: '0.25' },
          () => new Error('x'),
        );
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(waits).toEqual([250, 250]);
  });

  it('throws the final error of the last failure when attempts run out', async () => {
    const waits: number[] = [];
    const events: RetryableFailure[] = [];
    await expect(
      withRetry(runtime(waits, events), async (n) => {
        throw new RetryableAttemptError(
          { kind: 'transport' },
          (attempts) => new Error(`gave up after ${attempts} (last ${n})`),
        );
      }),
    ).rejects.toThrow('gave up after 4 (last 4)');
    expect(waits).toEqual([50, 100, 200]);
    expect(events).toHaveLength(3);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    await expect(
      withRetry(runtime([]), async () => {
        calls++;
        throw new Error('bug');
      }),
    ).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });
});
