import { describe, expect, it } from 'vitest';
import { waitingOf } from './run-waiting.ts';

describe('waitingOf', () => {
  it('names throttling and an unavailable service, with the wait', () => {
    expect(waitingOf({ type: 'throttled', target: 'graph', status: 429, waitMs: 2128 })).toEqual({
      reason: 'throttled',
      waitMs: 2128,
    });
    expect(waitingOf({ type: 'retry', target: 'graph', status: 503, waitMs: 800 })).toEqual({
      reason: 'unavailable',
      waitMs: 800,
    });
    expect(waitingOf({ type: 'throttled', target: 'graph', status: 503, waitMs: 2000 })).toEqual({
      reason: 'unavailable',
      waitMs: 2000,
    });
  });
  it('ignores requests and network retries', () => {
    expect(waitingOf({ type: 'request', target: 'graph', status: 200 })).toBeNull();
    expect(waitingOf({ type: 'retry', target: 'graph', waitMs: 300 })).toBeNull();
  });
});
