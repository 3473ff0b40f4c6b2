import { describe, expect, it } from 'vitest';
import type { UserPlan } from '../plan.ts';
import {
  deferUnassignments,
  effectiveUnassignmentThreshold,
  takesMembership,
} from './unassign-guard.ts';

const sales = { unitId: 'u-sales', userTypeIds: ['t-emp'] };
const eng = { unitId: 'u-eng', userTypeIds: ['t-emp'] };

function change(over: Partial<Extract<UserPlan, { kind: 'change' }>> = {}): UserPlan {
  return {
    kind: 'change',
    externalId: 'e1',
    label: 'Ann Staff <ann@contoso.test>',
    userId: 'p1',
    link: null,
    reactivate: false,
    fields: [],
    membership: { before: sales, after: null },
    warnings: [],
    notes: ['unit "Mars" ignored: no unit named "Mars"'],
    assigned: false,
    active: true,
    retry: false,
    ...over,
  };
}

describe('effectiveUnassignmentThreshold', () => {
  it('is the stored value when set (0 = off)', () => {
    expect(effectiveUnassignmentThreshold(7, 5000)).toBe(7);
    expect(effectiveUnassignmentThreshold(0, 5000)).toBe(0);
  });
  it('defaults to 10% of the linked users, rounded up, at most 100', () => {
    expect(effectiveUnassignmentThreshold(null, 12)).toBe(2);
    expect(effectiveUnassignmentThreshold(null, 30)).toBe(3);
    expect(effectiveUnassignmentThreshold(null, 50_000)).toBe(100);
    expect(effectiveUnassignmentThreshold(null, 0)).toBe(0);
  });
});

describe('takesMembership', () => {
  it('is a removal of the managed membership from an active user', () => {
    expect(takesMembership(change())).toBe(true);
  });
  it('is not a move, a reactivation, a link or a deactivated user', () => {
    expect(takesMembership(change({ membership: { before: sales, after: eng } }))).toBe(false);
    expect(takesMembership(change({ reactivate: true }))).toBe(false);
    expect(takesMembership(change({ link: 'relink' }))).toBe(false);
    expect(takesMembership(change({ active: false }))).toBe(false);
    expect(takesMembership(change({ membership: { before: null, after: null } }))).toBe(false);
  });
});

describe('deferUnassignments', () => {
  it('drops a plan that only removes the membership, and keeps the rest of a plan that does more', () => {
    const renamed = change({
      externalId: 'e2',
      fields: [{ field: 'firstName', before: 'Ann', after: 'Annie' }],
    });
    const move = change({ externalId: 'e3', membership: { before: sales, after: eng } });
    const out = deferUnassignments([change(), renamed, move]);
    expect(out.deferred).toEqual(['e1', 'e2']);
    expect(out.partly).toEqual(['e2']);
    expect(out.plans.map((p) => p.externalId)).toEqual(['e2', 'e3']);
    const kept = out.plans[0] as Extract<UserPlan, { kind: 'change' }>;
    expect(kept.membership).toBeUndefined();
    expect(kept.assigned).toBe(true);
    expect(kept.fields).toHaveLength(1);
  });
});
