import { describe, expect, it } from 'vitest';
import { waitingText } from './progress-bar.tsx';

describe('waitingText', () => {
  const now = Date.parse('2026-01-05T09:00:00.000Z');
  const at = (ms: number): string => new Date(now + ms).toISOString();

  it('counts down the wait Microsoft asked for', () => {
    expect(waitingText({ reason: 'throttled', until: at(11_200) }, now)).toBe(
      'Waiting for Microsoft Graph: throttled, retrying in 12 s.',
    );
    expect(waitingText({ reason: 'unavailable', until: at(1_000) }, now)).toBe(
      'Waiting for Microsoft Graph: temporarily unavailable, retrying in 1 s.',
    );
  });

  it('says "retrying now" as the wait ends, and nothing once it is long over', () => {
    expect(waitingText({ reason: 'throttled', until: at(-1_000) }, now)).toMatch(/retrying now/);
    expect(waitingText({ reason: 'throttled', until: at(-60_000) }, now)).toBeNull();
    expect(waitingText(null, now)).toBeNull();
  });
});
