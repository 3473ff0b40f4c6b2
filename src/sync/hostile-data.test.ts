import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MatchField } from '../db/schema.ts';
import type { EntraUser } from './entra-user.ts';
import { buildLookups, mapEntraUser, type MappingSettings } from './map.ts';
import { countPlans, planPage, type CurrentUser, type PageState, type UserPlan } from './plan.ts';

/*
 * Property tests: whatever a tenant holds, mapping and planning never throw and never plan
 * something the directory would refuse (blank names, duplicate emails) or could not store.
 */

const RUNS = 500;
const INTEGRATION = 'int-1';

const MATCH_FIELDS = [
  'jobTitle',
  'companyName',
  'department',
  'streetAddress',
  'state',
  'country',
  'officeLocation',
  'city',
  'postalCode',
] as const satisfies readonly MatchField[];

const lookups = buildLookups(
  [
    { id: 'u1', name: 'Store 1' },
    { id: 'u2', name: 'München' },
    { id: 'u3', name: 'Sales, EMEA' },
    { id: 'u4', name: 'Oslo' },
    { id: 'u5', name: 'OSLO' },
    { id: 'u6', name: 'שלום' },
  ],
  [
    { id: 't1', name: 'Employee' },
    { id: 't2', name: 'Manager' },
    { id: 't3', name: 'Café' },
  ],
);

/** Fragments that stress trimming, commas, normalisation, scripts and storage. */
const fragment = fc.constantFrom(
  ' ',
  '\t',
  '\n',
  ',',
  ', ',
  '\u00a0',
  '\u200b',
  '\ufeff',
  '\u0301',
  'u\u0308',
  'ü',
  'İ',
  'ß',
  '😀',
  '👨‍👩‍👧',
  'שלום',
  '\u202e',
  '\u0000',
  '\u001f',
  '\ud800',
  '\udc00',
  '#EXT#',
  '@',
  'Store 1',
  'store 1',
  'Mu\u0308nchen',
  'Sales, EMEA',
  'Oslo',
  'Employee',
  'MANAGER',
  'Cafe\u0301',
  'a',
);

const longString = fc
  .constantFrom('x', '😀', 'e\u0301', ', ', ' ', 'Employee,', '\u0000')
  .map((c) => c.repeat(Math.ceil(10_000 / c.length)).slice(0, 10_000));

const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.array(fragment, { maxLength: 12 }).map((a) => a.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: longString },
);

/** A small pool so pages hold duplicate and case-variant emails. */
const emailish = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'a@x.com',
      'A@X.COM',
      ' a@x.com ',
      'b@x.com',
      'c@x.com',
      'ünï@x.com',
      'g_x.com#EXT#@t.onmicrosoft.com',
      'g_x.com#ext#@t.onmicrosoft.com',
      'bad',
      '',
      '   ',
      'a@b@c',
      'x\u0000@x.com',
      `${'a'.repeat(300)}@x.com`,
    ),
  },
  { weight: 1, arbitrary: hostileString },
);

function nullable<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: a },
  );
}

const matchValue = nullable(
  fc.oneof(
    fc.constantFrom(
      'Store 1',
      ' store 1 ',
      'Mu\u0308nchen',
      'Sales, EMEA',
      'Oslo',
      'Store 1, Oslo',
      'Employee',
      'Employee, manager, EMPLOYEE, Pilot',
      'Cafe\u0301,,',
    ),
    hostileString,
  ),
);

const entraUser: fc.Arbitrary<EntraUser> = fc
  .record({
    id: fc.oneof(fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6'), fc.uuid()),
    givenName: nullable(hostileString),
    surname: nullable(hostileString),
    displayName: nullable(hostileString),
    mail: nullable(emailish),
    userPrincipalName: nullable(emailish),
    accountEnabled: nullable(fc.boolean()),
    userType: nullable(fc.constantFrom('Member', 'Guest', 'guest', ' Guest ', '')),
    values: fc.array(fc.tuple(fc.constantFrom(...MATCH_FIELDS), matchValue), { maxLength: 9 }),
  })
  .map(({ values, ...rest }) => {
    // exactOptionalPropertyTypes: leave undefined properties out rather than set them.
    const u: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) u[k] = v;
    for (const [k, v] of values) if (v !== undefined) u[k] = v;
    return u as unknown as EntraUser;
  });

const mappingSettings: fc.Arbitrary<MappingSettings> = fc
  .record({
    fields: fc.uniqueArray(fc.constantFrom(...MATCH_FIELDS), { minLength: 2, maxLength: 2 }),
    includeGuests: fc.boolean(),
    deactivateDisabledUsers: fc.boolean(),
  })
  .map(({ fields, includeGuests, deactivateDisabledUsers }) => ({
    unitField: fields[0] ?? 'department',
    userTypeField: fields[1] ?? 'jobTitle',
    includeGuests,
    deactivateDisabledUsers,
    exclusionRules: [],
    groupScope: false,
  }));

/** Platform users as loadPageState returns them: unique emails, unique links. */
const pageState: fc.Arbitrary<PageState> = fc
  .uniqueArray(
    fc.record({
      email: fc.constantFrom('a@x.com', 'b@x.com', 'c@x.com', 'ünï@x.com', 'd@x.com'),
      firstName: fc.constantFrom('Ada', 'Bob', 'Émile'),
      lastName: fc.constantFrom('Lovelace', 'Ross'),
      deactivation: fc.constantFrom(null, 'admin', 'source-deleted', 'source-disabled'),
      source: fc.constantFrom(INTEGRATION, 'int-2', null),
      externalId: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'gone'),
      managed: fc.option(fc.record({ unitId: fc.constantFrom('u1', 'u2'), t: fc.boolean() })),
      otherUnitIds: fc.subarray(['u1', 'u2', 'u3']),
      otherAssigned: fc.boolean(),
    }),
    { maxLength: 5, selector: (u) => u.email },
  )
  .map((rows) => {
    const linked = new Map<string, CurrentUser>();
    const byEmail = new Map<string, CurrentUser>();
    rows.forEach((r, i) => {
      const linkedHere = r.source === INTEGRATION && !linked.has(r.externalId);
      const source = r.source === INTEGRATION && !linkedHere ? null : r.source;
      const user: CurrentUser = {
        id: `p${i}`,
        firstName: r.firstName,
        lastName: r.lastName,
        email: r.email,
        status: r.deactivation ? 'deactivated' : 'active',
        deactivationReason: r.deactivation,
        sourceIntegrationId: source,
        sourceExternalId: source ? r.externalId : null,
        managed:
          source === INTEGRATION && r.managed
            ? { unitId: r.managed.unitId, userTypeIds: r.managed.t ? ['t1', 't2'] : ['t1'] }
            : null,
        otherUnitIds: r.otherUnitIds,
        otherAssigned: r.otherAssigned && r.otherUnitIds.length > 0,
      };
      byEmail.set(user.email, user);
      if (linkedHere) linked.set(r.externalId, user);
    });
    return { linked, byEmail };
  });

const PLAUSIBLE_EMAIL = /^[^\s@\p{Cc}\p{Cs}]+@[^\s@\p{Cc}\p{Cs}]+$/u;

/** Text the databases store as given: no NUL or other control characters, no lone surrogates. */
function storable(s: string): boolean {
  return !/[\p{Cc}\p{Cs}]/u.test(s);
}

function expectPlausibleEmail(e: string): void {
  expect(e).toMatch(PLAUSIBLE_EMAIL);
  expect(e).toBe(e.toLowerCase());
  expect(e.length).toBeLessThanOrEqual(254);
}

function expectGoodName(n: string): void {
  expect(n.trim()).toBe(n);
  expect(n).not.toBe('');
  expect(storable(n)).toBe(true);
  expect(Array.from(n).length).toBeLessThanOrEqual(200);
}

function checkPlans(plans: UserPlan[], state: PageState, pageSize: number): void {
  expect(plans).toHaveLength(pageSize);
  // Emails the organisation holds as the page is applied (creates first, then updates).
  const held = new Map<string, string>();
  for (const u of state.byEmail.values()) held.set(u.email, u.id);
  const touched = new Set<string>();
  const all = [...state.byEmail.values()];
  const movers = new Map<string, string>();
  for (const p of plans) {
    const to = p.kind === 'change' ? p.fields.find((f) => f.field === 'email')?.after : undefined;
    if (p.kind === 'change' && to !== undefined) movers.set(p.userId, to);
  }
  for (const p of plans) {
    switch (p.kind) {
      case 'skip':
        expect(p.reason.trim()).not.toBe('');
        expect(storable(p.reason)).toBe(true);
        expect(storable(p.label)).toBe(true);
        break;
      case 'create':
        expectGoodName(p.user.firstName);
        expectGoodName(p.user.lastName);
        expectPlausibleEmail(p.user.email);
        expect(held.has(p.user.email), `duplicate email ${p.user.email}`).toBe(false);
        held.set(p.user.email, `new:${p.externalId}`);
        for (const n of p.notes) expect(storable(n)).toBe(true);
        break;
      case 'change': {
        expect(touched.has(p.userId), `user ${p.userId} planned twice`).toBe(false);
        touched.add(p.userId);
        const before = all.find((u) => u.id === p.userId);
        expect(before).toBeDefined();
        if (p.link === 'link') expect(before?.sourceIntegrationId).toBeNull();
        if (p.link === 'relink') expect(before?.sourceIntegrationId).toBe(INTEGRATION);
        if (p.reactivate) expect(before?.deactivationReason).not.toBe('admin');
        for (const f of p.fields) {
          expect(f.before).not.toBe(f.after);
          if (f.field === 'email') {
            expectPlausibleEmail(f.after);
            const owner = held.get(f.after);
            // Allowed takers of a held address: a deactivated user of this integration gives
            // it up (releaseFrom), or its holder moves to another address in the same batch.
            const released =
              p.releaseFrom !== undefined &&
              owner === p.releaseFrom &&
              all.find((u) => u.id === owner)?.status === 'deactivated';
            const movedAway =
              owner !== undefined && movers.has(owner) && movers.get(owner) !== f.after;
            expect(
              owner === undefined || owner === p.userId || released || movedAway,
              `email ${f.after} taken`,
            ).toBe(true);
            held.set(f.after, p.userId);
          } else {
            expectGoodName(f.after);
          }
        }
        for (const w of [...p.warnings, ...p.notes]) expect(storable(w)).toBe(true);
        break;
      }
      case 'unchanged':
        expect(touched.has(p.userId), `user ${p.userId} planned twice`).toBe(false);
        touched.add(p.userId);
        break;
      case 'exclude':
        expect(state.linked.get(p.externalId)?.id).toBe(p.userId);
        break;
    }
  }
  const c = countPlans(plans);
  const excluded = plans.filter((p) => p.kind === 'exclude').length;
  expect(c.created + c.updated + c.linked + c.reactivated + c.unchanged + c.skipped).toBe(
    plans.length - excluded,
  );
}

describe('hostile Entra data', () => {
  it('mapEntraUser never throws and yields storable, well-formed values', () => {
    fc.assert(
      fc.property(entraUser, mappingSettings, (u, s) => {
        const d = mapEntraUser(u, lookups, s);
        expect(d.externalId).toBe(u.id);
        if (d.firstName !== null) expectGoodName(d.firstName);
        if (d.lastName !== null) expectGoodName(d.lastName);
        if (d.email !== null) expectPlausibleEmail(d.email);
        expect(storable(d.label)).toBe(true);
        expect(d.label.length).toBeLessThan(1_000);
        for (const n of d.notes) {
          expect(storable(n)).toBe(true);
          expect(n.length).toBeLessThan(2_000);
        }
        if (d.membership) {
          expect(d.membership.userTypeIds.length).toBeGreaterThan(0);
          expect(new Set(d.membership.userTypeIds).size).toBe(d.membership.userTypeIds.length);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps the label short when long emoji names come without a UPN (found by the property above)', () => {
    const u = {
      id: '00000000-0000-1000-8000-000000000000',
      givenName: '😀'.repeat(300),
      surname: '😀'.repeat(300),
      displayName: null,
      mail: null,
      userPrincipalName: '   ',
      accountEnabled: false,
      userType: 'Member',
    } as EntraUser;
    const d = mapEntraUser(u, lookups, {
      unitField: 'jobTitle',
      userTypeField: 'companyName',
      includeGuests: false,
      deactivateDisabledUsers: false,
      exclusionRules: [],
      groupScope: false,
    });
    expect(d.label.length).toBeLessThan(1_000);
    expect(storable(d.label)).toBe(true);
  });

  it('planPage never throws and never plans a blank name or a duplicate email', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(entraUser, { maxLength: 8, selector: (u) => u.id }),
        mappingSettings,
        pageState,
        (users, s, state) => {
          const desired = users.map((u) => mapEntraUser(u, lookups, s));
          const plans = planPage(desired, state, INTEGRATION);
          checkPlans(plans, state, users.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('planPage copes with the same object id twice on a page', () => {
    fc.assert(
      fc.property(
        fc.array(entraUser, { maxLength: 8 }),
        mappingSettings,
        pageState,
        (users, s, state) => {
          const plans = planPage(
            users.map((u) => mapEntraUser(u, lookups, s)),
            state,
            INTEGRATION,
          );
          expect(plans).toHaveLength(users.length);
          const creates = plans.flatMap((p) => (p.kind === 'create' ? [p.user.email] : []));
          expect(new Set(creates).size).toBe(creates.length);
          for (const p of plans) if (p.kind === 'skip') expect(p.reason).not.toBe('');
        },
      ),
      { numRuns: RUNS },
    );
  });
});
