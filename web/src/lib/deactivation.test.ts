import { describe, expect, it } from 'vitest';
import { deactivationText, reactivationWarning } from './deactivation.ts';

describe('deactivationText', () => {
  it('says who or what deactivated the user', () => {
    expect(deactivationText('admin')).toMatch(/administrator/);
    expect(deactivationText('source-disabled')).toMatch(/synchronisation: .*disabled in Entra/);
    expect(deactivationText('source-deleted')).toMatch(/deleted in Entra/);
  });
});

describe('reactivationWarning', () => {
  it('warns when Entra still excludes the user, and not otherwise', () => {
    expect(reactivationWarning({ sync: null })).toBeNull();
    const w = reactivationWarning({
      sync: {
        integrationId: 'i',
        entra: {},
        entraChangedAt: null,
        excluded: 'account disabled in Entra',
        unit: { field: 'department', value: null, outcome: 'empty', unitId: null, reason: null },
        userTypes: { field: 'jobTitle', value: null, matched: [], unmatched: [] },
      },
    });
    expect(w).toMatch(/account disabled in Entra.*deactivate them again/);
  });
});
