import { describe, expect, it } from 'vitest';
import type { DesiredUser } from './map.ts';
import {
  countPlans,
  isSourceDeactivation,
  planPage,
  sameMembership,
  type CurrentUser,
  type PageState,
  type UserPlan,
} from './plan.ts';

const INTEGRATION = 'int-1';
const OTHER_INTEGRATION = 'int-2';

function desired(over: Partial<DesiredUser> = {}): DesiredUser {
  return {
    externalId: 'e1',
    label: 'Ada Lovelace <ada@x.com>',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@x.com',
    membership: { unitId: 'unit-a', userTypeIds: ['t-2', 't-1'] },
    exclusion: null,
    notes: [],
    ...over,
  };
}

function current(over: Partial<CurrentUser> = {}): CurrentUser {
  return {
    id: 'p1',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@x.com',
    status: 'active',
    deactivationReason: null,
    sourceIntegrationId: INTEGRATION,
    sourceExternalId: 'e1',
    managed: { unitId: 'unit-a', userTypeIds: ['t-1', 't-2'] },
    otherUnitIds: [],
    otherAssigned: false,
    ...over,
  };
}

/** Page state as loadPageState builds it: every user by email, linked ones by object id. */
function state(...users: CurrentUser[]): PageState {
  const linked = new Map<string, CurrentUser>();
  const byEmail = new Map<string, CurrentUser>();
  for (const u of users) {
    byEmail.set(u.email, u);
    if (u.sourceIntegrationId === INTEGRATION && u.sourceExternalId) {
      linked.set(u.sourceExternalId, u);
    }
  }
  return { linked, byEmail };
}

function planOne(d: DesiredUser, s: PageState): UserPlan {
  const [p] = planPage([d], s, INTEGRATION);
  if (!p) throw new Error('no plan');
  return p;
}

type ChangePlan = Extract<UserPlan, { kind: 'change' }>;

function asChange(p: UserPlan | undefined): ChangePlan {
  if (p?.kind !== 'change') throw new Error(`expected a change, got ${JSON.stringify(p)}`);
  return p;
}

function asSkip(p: UserPlan | undefined): string {
  if (p?.kind !== 'skip') throw new Error(`expected a skip, got ${JSON.stringify(p)}`);
  expect(p.reason).not.toBe('');
  return p.reason;
}

describe('planPage: new Entra users', () => {
  it('creates a user with its managed membership (user types sorted)', () => {
    expect(planOne(desired({ notes: ['a note'] }), state())).toEqual({
      kind: 'create',
      externalId: 'e1',
      label: 'Ada Lovelace <ada@x.com>',
      user: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@x.com' },
      membership: { unitId: 'unit-a', userTypeIds: ['t-1', 't-2'] },
      notes: ['a note'],
    });
  });

  it('creates a user without membership when none matched', () => {
    const p = planOne(desired({ membership: null }), state());
    expect(p).toMatchObject({ kind: 'create', membership: null });
  });

  it.each([
    ['firstName', 'first name (givenName)'],
    ['lastName', 'last name (surname)'],
    ['email', 'email'],
  ] as const)('skips a user without %s and says why', (field, words) => {
    const reason = asSkip(planOne(desired({ [field]: null }), state()));
    expect(reason).toContain(words);
  });

  it('names every missing field in one reason', () => {
    const reason = asSkip(
      planOne(desired({ firstName: null, lastName: null, email: null }), state()),
    );
    expect(reason).toContain('givenName');
    expect(reason).toContain('surname');
    expect(reason).toContain('email');
  });

  it('skips excluded users that are not linked, saying why', () => {
    expect(asSkip(planOne(desired({ exclusion: 'guest' }), state()))).toContain('guest');
    expect(asSkip(planOne(desired({ exclusion: 'disabled' }), state()))).toContain('disabled');
  });

  it('does not link an excluded user to a platform user with its email', () => {
    const p = planOne(
      desired({ exclusion: 'guest' }),
      state(current({ sourceIntegrationId: null, sourceExternalId: null })),
    );
    expect(p.kind).toBe('skip');
  });
});

describe('planPage: linked users', () => {
  it('is unchanged when nothing differs (user type order does not matter)', () => {
    expect(planOne(desired(), state(current()))).toEqual({
      kind: 'unchanged',
      externalId: 'e1',
      userId: 'p1',
      assigned: true,
      active: true,
    });
  });

  it.each([
    ['firstName', { firstName: 'Augusta' }, 'Ada', 'Augusta'],
    ['lastName', { lastName: 'King' }, 'Lovelace', 'King'],
    ['email', { email: 'augusta@x.com' }, 'ada@x.com', 'augusta@x.com'],
  ] as const)('updates %s with before and after', (field, over, before, after) => {
    const p = asChange(planOne(desired(over), state(current())));
    expect(p).toMatchObject({ link: null, reactivate: false, warnings: [], userId: 'p1' });
    expect(p.fields).toEqual([{ field, before, after }]);
    expect(p.membership).toBeUndefined();
  });

  it.each([
    ['firstName', 'givenName', 'Ada'],
    ['lastName', 'surname', 'Lovelace'],
  ] as const)('keeps the old %s when Entra blanks it, with a warning', (field, entra, kept) => {
    const p = asChange(planOne(desired({ [field]: null }), state(current())));
    expect(p.fields).toEqual([]);
    expect(p.warnings).toEqual([`${entra} is empty in Entra: kept "${kept}"`]);
  });

  it('keeps the old email when Entra has none, with a warning', () => {
    const p = asChange(planOne(desired({ email: null }), state(current())));
    expect(p.fields).toEqual([]);
    expect(p.warnings[0]).toContain('kept ada@x.com');
  });

  it('keeps the old email when the new one belongs to another platform user', () => {
    const other = current({
      id: 'p2',
      email: 'bob@x.com',
      sourceIntegrationId: null,
      sourceExternalId: null,
    });
    const p = asChange(planOne(desired({ email: 'bob@x.com' }), state(current(), other)));
    expect(p.fields).toEqual([]);
    expect(p.warnings).toEqual([
      'email bob@x.com is used by another platform user: kept ada@x.com',
    ]);
  });

  it('moves the managed membership when the unit changes, with before and after', () => {
    const p = asChange(
      planOne(
        desired({ membership: { unitId: 'unit-b', userTypeIds: ['t-1'] } }),
        state(current()),
      ),
    );
    expect(p.membership).toEqual({
      before: { unitId: 'unit-a', userTypeIds: ['t-1', 't-2'] },
      after: { unitId: 'unit-b', userTypeIds: ['t-1'] },
    });
    expect(p.fields).toEqual([]);
    expect(p.assigned).toBe(true);
  });

  it('changes the user types of the managed membership', () => {
    const p = asChange(
      planOne(
        desired({ membership: { unitId: 'unit-a', userTypeIds: ['t-3'] } }),
        state(current()),
      ),
    );
    expect(p.membership?.after).toEqual({ unitId: 'unit-a', userTypeIds: ['t-3'] });
  });

  it('removes the managed membership when nothing matches any more', () => {
    const p = asChange(planOne(desired({ membership: null }), state(current())));
    expect(p.membership).toEqual({ before: current().managed, after: null });
    expect(p.assigned).toBe(false);
  });

  it('counts a manual membership with a user type as assigned', () => {
    const p = asChange(
      planOne(desired({ membership: null }), state(current({ otherAssigned: true }))),
    );
    expect(p.assigned).toBe(true);
  });

  it('never creates a managed membership in a unit holding a manual one, and warns', () => {
    const p = asChange(
      planOne(
        desired(),
        state(current({ managed: null, otherUnitIds: ['unit-a'], otherAssigned: true })),
      ),
    );
    expect(p.membership).toBeUndefined();
    expect(p.fields).toEqual([]);
    expect(p.warnings).toEqual([
      'the unit already holds a membership added in the platform: left it as it is',
    ]);
  });

  it('never puts a manual membership in a plan (moving away removes only the managed one)', () => {
    const p = asChange(
      planOne(desired(), state(current({ otherUnitIds: ['unit-a'], otherAssigned: false }))),
    );
    // The managed membership in unit-a would collide with the manual one: it is dropped,
    // the manual one is not mentioned anywhere.
    expect(p.membership).toEqual({ before: current().managed, after: null });
    expect(JSON.stringify(p)).not.toContain('otherUnitIds');
  });

  it('reactivates a user the sync deactivated', () => {
    for (const reason of ['source-deleted', 'source-disabled'] as const) {
      const p = asChange(
        planOne(desired(), state(current({ status: 'deactivated', deactivationReason: reason }))),
      );
      expect(p).toMatchObject({ reactivate: true, link: null, fields: [], active: true });
    }
  });

  it('does not reactivate a user an administrator deactivated, but still updates it', () => {
    const p = asChange(
      planOne(
        desired({ firstName: 'Augusta' }),
        state(current({ status: 'deactivated', deactivationReason: 'admin' })),
      ),
    );
    expect(p.reactivate).toBe(false);
    expect(p.active).toBe(false);
    expect(p.fields).toEqual([{ field: 'firstName', before: 'Ada', after: 'Augusta' }]);
  });

  it('leaves an admin-deactivated user unchanged when nothing differs', () => {
    const p = planOne(
      desired(),
      state(current({ status: 'deactivated', deactivationReason: 'admin' })),
    );
    expect(p.kind).toBe('unchanged');
  });

  it('plans an exclusion for a linked user that became out of scope', () => {
    for (const exclusion of ['guest', 'disabled'] as const) {
      expect(planOne(desired({ exclusion }), state(current()))).toEqual({
        kind: 'exclude',
        externalId: 'e1',
        label: 'Ada Lovelace <ada@x.com>',
        exclusion,
        userId: 'p1',
        subject: 'Ada Lovelace <ada@x.com>',
      });
    }
  });
});

describe('planPage: linking by email', () => {
  const unlinked = current({
    id: 'p9',
    firstName: 'A.',
    lastName: 'L.',
    sourceIntegrationId: null,
    sourceExternalId: null,
    managed: null,
  });

  it('links an unlinked platform user with the same email and overwrites its fields', () => {
    const p = asChange(planOne(desired(), state(unlinked)));
    expect(p).toMatchObject({ link: 'link', userId: 'p9', reactivate: false });
    expect(p.fields).toEqual([
      { field: 'firstName', before: 'A.', after: 'Ada' },
      { field: 'lastName', before: 'L.', after: 'Lovelace' },
    ]);
    expect(p.membership).toEqual({
      before: null,
      after: { unitId: 'unit-a', userTypeIds: ['t-1', 't-2'] },
    });
  });

  it('links even when nothing else changes', () => {
    const p = asChange(
      planOne(desired(), state(current({ sourceIntegrationId: null, sourceExternalId: null }))),
    );
    expect(p.link).toBe('link');
  });

  it('skips when the email belongs to a user of another integration', () => {
    const theirs = current({ sourceIntegrationId: OTHER_INTEGRATION, sourceExternalId: 'x9' });
    expect(asSkip(planOne(desired({ externalId: 'e2' }), state(theirs)))).toContain(
      'another integration',
    );
  });

  it('skips when an active user of this integration with another object id has the email', () => {
    const mine = current({ sourceExternalId: 'e-old' });
    expect(asSkip(planOne(desired({ externalId: 'e-new' }), state(mine)))).toBe(
      'email ada@x.com is already used by Entra user e-old of this integration',
    );
  });

  it('skips when an admin-deactivated user of this integration has the email', () => {
    const mine = current({
      sourceExternalId: 'e-old',
      status: 'deactivated',
      deactivationReason: 'admin',
    });
    expect(planOne(desired({ externalId: 'e-new' }), state(mine)).kind).toBe('skip');
  });

  it('relinks and reactivates a re-created Entra user (new object id)', () => {
    const gone = current({
      sourceExternalId: 'e-old',
      status: 'deactivated',
      deactivationReason: 'source-deleted',
    });
    const p = asChange(planOne(desired({ externalId: 'e-new' }), state(gone)));
    expect(p).toMatchObject({ link: 'relink', reactivate: true, userId: 'p1' });
    expect(countPlans([p])).toMatchObject({ linked: 1, reactivated: 0, updated: 0 });
  });
});

describe('planPage: several users on one page', () => {
  it('creates only the first of two new users sharing an email', () => {
    const plans = planPage(
      [desired({ externalId: 'a' }), desired({ externalId: 'b', label: 'Twin' })],
      state(),
      INTEGRATION,
    );
    expect(plans.map((p) => p.kind)).toEqual(['create', 'skip']);
    expect(asSkip(plans[1])).toContain('already used by Entra user a');
  });

  it('links only the first of two new users sharing an unlinked user’s email', () => {
    const plans = planPage(
      [desired({ externalId: 'a' }), desired({ externalId: 'b' })],
      state(current({ sourceIntegrationId: null, sourceExternalId: null })),
      INTEGRATION,
    );
    expect(asChange(plans[0]).link).toBe('link');
    expect(asSkip(plans[1])).toContain('already used by Entra user a');
  });

  it('does not create a user with an email a linked user takes earlier on the page', () => {
    // Creates are inserted before updates, and emails are unique per organisation.
    const plans = planPage(
      [desired({ email: 'new@x.com' }), desired({ externalId: 'e2', email: 'new@x.com' })],
      state(current()),
      INTEGRATION,
    );
    expect(asChange(plans[0]).fields).toEqual([
      { field: 'email', before: 'ada@x.com', after: 'new@x.com' },
    ]);
    expect(plans[1]?.kind).toBe('skip');
  });

  it('does not give a linked user’s old email to a new user on the same page', () => {
    const plans = planPage(
      [desired({ email: 'new@x.com' }), desired({ externalId: 'e2', email: 'ada@x.com' })],
      state(current()),
      INTEGRATION,
    );
    expect(plans.map((p) => p.kind)).toEqual(['change', 'skip']);
  });

  it('does not move a linked user to an email a user created earlier on the page takes', () => {
    const plans = planPage(
      [desired({ externalId: 'e2', email: 'new@x.com' }), desired({ email: 'new@x.com' })],
      state(current()),
      INTEGRATION,
    );
    expect(plans[0]?.kind).toBe('create');
    const p = asChange(plans[1]);
    expect(p.fields).toEqual([]);
    expect(p.warnings[0]).toContain('used by another platform user');
  });

  it('does not relink a deactivated user whose own Entra user is on the same page', () => {
    const gone = current({
      sourceExternalId: 'e-old',
      status: 'deactivated',
      deactivationReason: 'source-disabled',
    });
    const plans = planPage(
      [desired({ externalId: 'e-new' }), desired({ externalId: 'e-old', firstName: 'Old' })],
      state(gone),
      INTEGRATION,
    );
    // The old Entra user is back: the platform user is its own again; the newcomer waits
    // (a conflict, retried every run) instead of taking a user planned twice.
    expect(asSkip(plans[0])).toContain('already used by Entra user e-old');
    expect(asChange(plans[1]).reactivate).toBe(true);
  });

  it('does not relink a user its own Entra user reactivated earlier on the page', () => {
    const gone = current({
      sourceExternalId: 'e-old',
      status: 'deactivated',
      deactivationReason: 'source-disabled',
    });
    const plans = planPage(
      [desired({ externalId: 'e-old' }), desired({ externalId: 'e-new' })],
      state(gone),
      INTEGRATION,
    );
    expect(asChange(plans[0])).toMatchObject({ reactivate: true, link: null });
    expect(asSkip(plans[1])).toContain('already used by Entra user e-old');
  });

  it('does not let a later user take an email linked earlier on the page', () => {
    const plans = planPage(
      [desired({ externalId: 'a' }), desired({ externalId: 'b', email: 'other@x.com' })],
      state(current({ sourceIntegrationId: null, sourceExternalId: null })),
      INTEGRATION,
    );
    expect(asChange(plans[0]).link).toBe('link');
    expect(plans[1]?.kind).toBe('create');
  });

  it('does not change the state it was given', () => {
    const s = state(current({ sourceIntegrationId: null, sourceExternalId: null }));
    planPage([desired(), desired({ externalId: 'e2', email: 'b@x.com' })], s, INTEGRATION);
    expect(s.linked.size).toBe(0);
    expect([...s.byEmail.keys()]).toEqual(['ada@x.com']);
    expect(s.byEmail.get('ada@x.com')?.sourceIntegrationId).toBeNull();
  });
});

describe('countPlans', () => {
  const plans = (...users: [DesiredUser, CurrentUser | null][]): UserPlan[] =>
    users.map(([d, c]) => planOne(d, c ? state(c) : state()));

  it('counts each kind of plan', () => {
    const all = plans(
      [desired({ externalId: 'c1', email: 'c1@x.com' }), null],
      [desired({ externalId: 'c2', email: 'c2@x.com', membership: null }), null],
      [desired({ firstName: null }), null],
      [desired({ firstName: 'New' }), current()],
      [desired(), current()],
      [desired(), current({ sourceIntegrationId: null, sourceExternalId: null })],
      [desired(), current({ status: 'deactivated', deactivationReason: 'source-deleted' })],
      [desired({ exclusion: 'disabled' }), current()],
    );
    expect(all.map((p) => p.kind)).toEqual([
      'create',
      'create',
      'skip',
      'change',
      'unchanged',
      'change',
      'change',
      'exclude',
    ]);
    expect(countPlans(all)).toEqual({
      created: 2,
      updated: 1,
      linked: 1,
      reactivated: 1,
      unchanged: 1,
      skipped: 1,
      unassigned: 1,
    });
  });

  it('counts a change that only carries warnings as unchanged', () => {
    const p = asChange(planOne(desired({ firstName: null }), state(current())));
    expect(p.warnings).toHaveLength(1);
    expect(countPlans([p])).toMatchObject({ updated: 0, unchanged: 1 });
  });

  it('counts a change that moves only the membership as updated', () => {
    const p = planOne(desired({ membership: null }), state(current()));
    expect(countPlans([p])).toMatchObject({ updated: 1, unchanged: 0, unassigned: 1 });
  });

  it('counts unassigned users among created, changed and unchanged ones', () => {
    const all = plans(
      [desired({ membership: null }), null],
      [desired({ membership: null }), current({ managed: null })],
      [desired({ membership: null, firstName: null }), current({ managed: null })],
      [desired({ membership: null }), current({ managed: null, otherAssigned: true })],
      [desired(), current()],
    );
    expect(countPlans(all)).toMatchObject({ unassigned: 3, created: 1, unchanged: 4 });
  });

  it('does not count users that stay deactivated as unassigned', () => {
    const adminDeactivated = current({
      managed: null,
      status: 'deactivated',
      deactivationReason: 'admin',
    });
    const all = plans(
      [desired({ membership: null }), adminDeactivated],
      [desired({ membership: null, firstName: 'New' }), adminDeactivated],
    );
    expect(all.map((p) => p.kind)).toEqual(['unchanged', 'change']);
    expect(countPlans(all)).toMatchObject({ unassigned: 0 });
    const reactivated = planOne(
      desired({ membership: null }),
      state({ ...adminDeactivated, deactivationReason: 'source-deleted' }),
    );
    expect(reactivated).toMatchObject({ kind: 'change', reactivate: true, active: true });
    expect(countPlans([reactivated])).toMatchObject({ unassigned: 1, reactivated: 1 });
  });

  it('counts nothing for an empty page', () => {
    expect(countPlans([])).toEqual({
      created: 0,
      updated: 0,
      linked: 0,
      reactivated: 0,
      unchanged: 0,
      skipped: 0,
      unassigned: 0,
    });
  });
});

describe('sameMembership and isSourceDeactivation', () => {
  it('compares memberships by unit and user type set', () => {
    const a = { unitId: 'u', userTypeIds: ['1', '2'] };
    expect(sameMembership(a, { unitId: 'u', userTypeIds: ['2', '1'] })).toBe(true);
    expect(sameMembership(a, { unitId: 'v', userTypeIds: ['1', '2'] })).toBe(false);
    expect(sameMembership(a, { unitId: 'u', userTypeIds: ['1'] })).toBe(false);
    expect(sameMembership(a, { unitId: 'u', userTypeIds: ['1', '3'] })).toBe(false);
    expect(sameMembership(a, null)).toBe(false);
    expect(sameMembership(null, null)).toBe(true);
  });

  it('treats only the sync’s own deactivations as reversible by the sync', () => {
    expect(isSourceDeactivation('source-deleted')).toBe(true);
    expect(isSourceDeactivation('source-disabled')).toBe(true);
    expect(isSourceDeactivation('admin')).toBe(false);
    expect(isSourceDeactivation(null)).toBe(false);
  });
});
