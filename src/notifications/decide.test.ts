import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideSubscription,
  nearRealTimeStatus,
  RENEW_BEFORE_MS,
  retryDelayMs,
  type SubscriptionRecord,
  type WantedSubscription,
} from './decide.ts';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const DAY = 86_400_000;
const wanted: WantedSubscription = {
  notificationUrl: 'https://sync.example.com/api/hooks/graph/notifications',
  lifecycleNotificationUrl: 'https://sync.example.com/api/hooks/graph/lifecycle',
  ownerKey: 'global|tenant|app',
};
const active = (over: Partial<SubscriptionRecord> = {}): SubscriptionRecord => ({
  integrationId: 'i1',
  subscriptionId: 's1',
  notificationUrl: wanted.notificationUrl,
  ownerKey: wanted.ownerKey,
  state: 'active',
  expiresAt: new Date(NOW + 20 * DAY).toISOString(),
  pendingAction: null,
  retryAt: null,
  failures: 0,
  lastError: null,
  runDueAt: null,
  lastNotificationAt: null,
  updatedAt: new Date(NOW).toISOString(),
  ...over,
});

describe('decideSubscription', () => {
  it('creates, keeps, renews in the last day, and deletes when no longer wanted', () => {
    expect(decideSubscription(undefined, wanted, NOW)).toEqual({ kind: 'create', replace: null });
    expect(decideSubscription(active(), wanted, NOW)).toEqual({ kind: 'none' });
    const soon = active({ expiresAt: new Date(NOW + RENEW_BEFORE_MS - 1).toISOString() });
    expect(decideSubscription(soon, wanted, NOW)).toEqual({ kind: 'renew', subscriptionId: 's1' });
    expect(decideSubscription(active(), null, NOW)).toEqual({
      kind: 'delete',
      subscriptionId: 's1',
    });
    expect(decideSubscription(undefined, null, NOW)).toEqual({ kind: 'none' });
  });

  it('acts on lifecycle events and on a new URL or tenant', () => {
    expect(decideSubscription(active({ pendingAction: 'recreate' }), wanted, NOW)).toEqual({
      kind: 'create',
      replace: null,
    });
    expect(decideSubscription(active({ pendingAction: 'renew' }), wanted, NOW)).toEqual({
      kind: 'renew',
      subscriptionId: 's1',
    });
    expect(decideSubscription(active({ ownerKey: 'global|other|app' }), wanted, NOW)).toEqual({
      kind: 'create',
      replace: 's1',
    });
    expect(
      decideSubscription(active({ notificationUrl: 'https://old.example.com/x' }), wanted, NOW),
    ).toEqual({ kind: 'create', replace: 's1' });
  });

  it('waits out a back-off or another process’s lease, whatever is pending', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'recreate' | 'renew' | null>('recreate', 'renew', null),
        fc.integer({ min: 1, max: 3_600_000 }),
        (pendingAction, ahead) => {
          const row = active({ pendingAction, retryAt: new Date(NOW + ahead).toISOString() });
          return decideSubscription(row, wanted, NOW).kind === 'none';
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base and never exceeds an hour', () => {
    expect(retryDelayMs(1)).toBe(30_000);
    expect(retryDelayMs(2)).toBe(60_000);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (n) => {
        const d = retryDelayMs(n);
        return d <= 3_600_000 && d >= retryDelayMs(Math.max(1, n - 1));
      }),
      { numRuns: 200 },
    );
  });
});

describe('nearRealTimeStatus', () => {
  const input = { nearRealTime: true, enabled: true, available: true };
  it('reads off, unavailable, pending, failing and active', () => {
    expect(nearRealTimeStatus({ ...input, nearRealTime: false, row: undefined }).state).toBe('off');
    expect(nearRealTimeStatus({ ...input, available: false, row: undefined }).message).toContain(
      'PUBLIC_URL',
    );
    expect(nearRealTimeStatus({ ...input, row: undefined }).state).toBe('pending');
    const failing = nearRealTimeStatus({
      ...input,
      row: active({ state: 'failing', lastError: 'handshake failed' }),
    });
    expect(failing.state).toBe('failing');
    expect(failing.message).toContain('handshake failed');
    const ok = nearRealTimeStatus({ ...input, row: active() });
    expect(ok.state).toBe('active');
    expect(Date.parse(ok.renewsAt ?? '')).toBe(NOW + 20 * DAY - RENEW_BEFORE_MS);
  });
});
