import { describe, expect, it } from 'vitest';
import type { IntegrationSettings } from './settings.ts';
import {
  changedSettings,
  credentialsChanged,
  requiresFullSync,
  rescheduledNextRun,
} from './sync-impact.ts';

const base: IntegrationSettings = {
  name: 'Contoso',
  applicationId: '11111111-2222-3333-4444-555555555555',
  tenantId: 'contoso.onmicrosoft.com',
  secretExpiresAt: null,
  unitField: 'department',
  userTypeField: 'jobTitle',
  enabled: true,
  cloud: 'global',
  deactivateDisabledUsers: true,
  includeGuests: false,
  deletionThreshold: 500,
  unassignmentThreshold: null,
  syncIntervalMinutes: 60,
  exclusionRules: [],
  scopeMode: 'all',
  scopeGroups: [],
  nearRealTime: false,
};

describe('requiresFullSync', () => {
  it.each([
    ['tenantId', { tenantId: 'fabrikam.onmicrosoft.com' }],
    ['applicationId', { applicationId: '99999999-2222-3333-4444-555555555555' }],
    ['cloud', { cloud: 'usgov' as const }],
  ])('is true when %s changes', (_name, change) => {
    expect(requiresFullSync(base, { ...base, ...change })).toBe(true);
  });

  it('is true when a disabled integration is enabled, not when it is disabled', () => {
    expect(requiresFullSync({ ...base, enabled: false }, base)).toBe(true);
    expect(requiresFullSync(base, { ...base, enabled: false })).toBe(false);
  });

  it('is false for the mapping fields: the mirror holds every field, a reconcile re-applies them', () => {
    expect(requiresFullSync(base, { ...base, unitField: 'city' })).toBe(false);
    expect(requiresFullSync(base, { ...base, userTypeField: 'city' })).toBe(false);
  });

  it('is false for settings that do not change what Entra says', () => {
    expect(
      requiresFullSync(base, {
        ...base,
        name: 'Renamed',
        secretExpiresAt: '2030-01-01',
        deactivateDisabledUsers: false,
        includeGuests: true,
        deletionThreshold: 0,
        syncIntervalMinutes: 5,
      }),
    ).toBe(false);
  });
});

describe('credentialsChanged', () => {
  it('tracks the secret, tenant, app and cloud only', () => {
    expect(credentialsChanged(base, base, true)).toBe(true);
    expect(credentialsChanged(base, { ...base, tenantId: 'x.com' }, false)).toBe(true);
    expect(credentialsChanged(base, { ...base, cloud: 'china' }, false)).toBe(true);
    expect(credentialsChanged(base, { ...base, name: 'y', unitField: 'city' }, false)).toBe(false);
  });
});

describe('rescheduledNextRun', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');
  it('brings a far run forward when the interval shrinks', () => {
    const before = { ...base, syncIntervalMinutes: 10080 };
    expect(rescheduledNextRun('2026-03-07T12:00:00.000Z', before, base, now)).toBe(
      '2026-03-01T13:00:00.000Z',
    );
    expect(rescheduledNextRun('2026-03-01T12:30:00.000Z', before, base, now)).toBe(
      '2026-03-01T12:30:00.000Z',
    );
  });
  it('keeps a credential back-off when the interval shrinks', () => {
    const before = { ...base, syncIntervalMinutes: 10080 };
    expect(rescheduledNextRun('2026-03-01T18:00:00.000Z', before, base, now, 2)).toBe(
      '2026-03-01T18:00:00.000Z',
    );
  });
  it('leaves it alone otherwise', () => {
    expect(rescheduledNextRun(null, { ...base, syncIntervalMinutes: 600 }, base, now)).toBeNull();
    expect(
      rescheduledNextRun(
        '2026-03-01T13:00:00.000Z',
        base,
        { ...base, syncIntervalMinutes: 600 },
        now,
      ),
    ).toBe('2026-03-01T13:00:00.000Z');
  });
});

describe('changedSettings', () => {
  it('names the changed fields', () => {
    expect(changedSettings(base, { ...base, name: 'x', includeGuests: true })).toEqual([
      'name',
      'includeGuests',
    ]);
  });
});
