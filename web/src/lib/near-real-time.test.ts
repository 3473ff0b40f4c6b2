import { describe, expect, it } from 'vitest';
import { inTime, nearRealTimeText } from './near-real-time.ts';

const now = new Date('2026-03-01T12:00:00Z');
const base = { expiresAt: null, renewsAt: null, lastNotificationAt: null, message: 'why' };

describe('nearRealTimeText', () => {
  it('says when an active subscription renews', () => {
    const renewsAt = new Date(now.getTime() + 2 * 86_400_000).toISOString();
    expect(nearRealTimeText({ ...base, state: 'active', renewsAt }, now)).toBe(
      'Near-real-time: active, renews in 2 days',
    );
  });
  it('gives the reason when it is not active', () => {
    expect(nearRealTimeText({ ...base, state: 'unavailable' }, now)).toBe(
      'Near-real-time: not available. why',
    );
    expect(nearRealTimeText({ ...base, state: 'failing' }, now)).toContain('not working');
  });
  it('words durations', () => {
    expect(inTime(30_000)).toBe('in 1 minute');
    expect(inTime(5 * 3_600_000)).toBe('in 5 hours');
    expect(inTime(29 * 86_400_000)).toBe('in 29 days');
  });
});
