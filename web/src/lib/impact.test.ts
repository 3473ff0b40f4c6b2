import { describe, expect, it } from 'vitest';
import { formFromIntegration } from './integration-form.ts';
import { hasEffect, impactSentence, isRisky, mappingPatch, type ImpactView } from './impact.ts';
import type { Integration } from '../types.ts';

const none: ImpactView = {
  moved: 0,
  unassigned: 0,
  placed: 0,
  deactivated: 0,
  reactivated: 0,
  created: 0,
  unassignedUsers: [],
  wouldHold: false,
  scopePending: false,
  duplicateName: null,
};

describe('impactSentence', () => {
  it('says how many users move, lose their membership and are deactivated', () => {
    expect(impactSentence({ ...none, moved: 1454, unassigned: 2977 })).toBe(
      'This will move 1,454 users, unassign 2,977 users and deactivate 0 users.',
    );
    expect(impactSentence({ ...none, moved: 1, placed: 2 })).toBe(
      'This will move 1 user, unassign 0 users, place 2 users who have no unit now and deactivate 0 users.',
    );
  });
  it('is risky when it takes something away or the name is a duplicate', () => {
    expect(isRisky(none)).toBe(false);
    expect(isRisky({ ...none, moved: 5 })).toBe(false);
    expect(isRisky({ ...none, unassigned: 1 })).toBe(true);
    expect(isRisky({ ...none, duplicateName: 'Sales' })).toBe(true);
  });
});

describe('hasEffect', () => {
  it('is true when anyone moves, is placed or the scope is not known yet', () => {
    expect(hasEffect(none)).toBe(false);
    expect(hasEffect({ ...none, moved: 1 })).toBe(true);
    expect(hasEffect({ ...none, placed: 3 })).toBe(true);
    expect(hasEffect({ ...none, scopePending: true })).toBe(true);
    expect(hasEffect({ ...none, unassigned: 1 })).toBe(true);
  });
});

describe('mappingPatch', () => {
  const saved = {
    id: 'i',
    name: 'Contoso',
    applicationId: '00000000-0000-0000-0000-000000000001',
    tenantId: 'contoso.onmicrosoft.com',
    secretSet: true,
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
  } as unknown as Integration;

  it('is empty when nothing that places users changed, thresholds alone included', () => {
    const form = formFromIntegration(saved);
    expect(mappingPatch(form, saved)).toEqual({});
    expect(mappingPatch({ ...form, deletionThreshold: '3', name: 'Other' }, saved)).toEqual({});
  });

  it('sends exclusion rules and scope, and the thresholds saved with them', () => {
    const form = formFromIntegration(saved);
    const rule = { field: 'department', operator: 'equals', value: ' Temp ' } as const;
    expect(mappingPatch({ ...form, exclusionRules: [rule] }, saved)).toEqual({
      exclusionRules: [{ ...rule, value: 'Temp' }],
    });
    expect(
      mappingPatch(
        { ...form, unitField: 'city', deletionThreshold: '3', unassignmentThreshold: '2' },
        saved,
      ),
    ).toEqual({ unitField: 'city', deletionThreshold: 3, unassignmentThreshold: 2 });
    const groups = [{ id: 'g', displayName: 'Staff' }];
    expect(mappingPatch({ ...form, scopeMode: 'groups', scopeGroups: groups }, saved)).toEqual({
      scopeMode: 'groups',
      scopeGroups: groups,
    });
  });
});
