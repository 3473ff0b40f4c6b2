import { describe, expect, it } from 'vitest';
import type { EntraUser } from './entra-user.ts';
import { entraLabel, safeText } from './entra-user.ts';
import {
  buildLookups,
  emailOf,
  mapEntraUser,
  matchUnit,
  matchUserTypes,
  type MappingSettings,
} from './map.ts';

const lookups = buildLookups(
  [
    { id: 'u-munich', name: 'München' },
    { id: 'u-sales-emea', name: 'Sales, EMEA' },
    { id: 'u-store1', name: 'Store 1' },
    { id: 'u-oslo-a', name: 'Oslo' },
    { id: 'u-oslo-b', name: 'oslo ' },
    { id: 'u-paris', name: 'Paris' },
  ],
  [
    { id: 't-emp', name: 'Employee' },
    { id: 't-mgr', name: 'Manager' },
    { id: 't-cafe', name: 'Café' },
  ],
);

const settings: MappingSettings = {
  unitField: 'department',
  userTypeField: 'jobTitle',
  includeGuests: false,
  deactivateDisabledUsers: true,
  exclusionRules: [],
  groupScope: false,
};

/** Overrides; an undefined value removes the property (Graph left it out). */
type Over = { [K in keyof EntraUser]?: EntraUser[K] | undefined };

function entra(over: Over = {}): EntraUser {
  const u: Record<string, unknown> = {
    id: 'e1',
    givenName: 'Ada',
    surname: 'Lovelace',
    displayName: 'Ada Lovelace',
    mail: 'Ada@Example.com',
    userPrincipalName: 'ada@example.onmicrosoft.com',
    accountEnabled: true,
    userType: 'Member',
    department: 'Store 1',
    jobTitle: 'Employee',
    ...over,
  };
  for (const k of Object.keys(u)) if (u[k] === undefined) delete u[k];
  return u as unknown as EntraUser;
}

function map(over: Over = {}, s: Partial<MappingSettings> = {}) {
  return mapEntraUser(entra(over), lookups, { ...settings, ...s });
}

describe('mapEntraUser: names', () => {
  it('takes first name from givenName and last name from surname, trimmed', () => {
    const d = map({ givenName: '  Ada ', surname: '\tLovelace\n' });
    expect(d.firstName).toBe('Ada');
    expect(d.lastName).toBe('Lovelace');
    expect(d.externalId).toBe('e1');
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['whitespace', ' \t\n\u00a0 '],
    ['control characters only', '\u0000\u0007'],
  ])('a %s givenName or surname maps to null', (_, value) => {
    expect(map({ givenName: value }).firstName).toBeNull();
    expect(map({ surname: value }).lastName).toBeNull();
    expect(map({ givenName: value }).lastName).toBe('Lovelace');
  });

  it('normalises names to NFC so a decomposed name equals the composed one', () => {
    expect(map({ surname: 'Mu\u0308ller' }).lastName).toBe('M\u00fcller');
  });

  it('turns control characters into spaces (PostgreSQL refuses NUL)', () => {
    expect(map({ givenName: 'A\u0000da' }).firstName).toBe('A da');
  });

  it('replaces lone surrogates, which no database stores faithfully', () => {
    expect(map({ givenName: 'Ada\ud800' }).firstName).toBe('Ada\ufffd');
  });

  it('caps very long names at 200 code points without splitting an emoji', () => {
    const long = `${'a'.repeat(199)}😀😀😀`;
    const name = map({ givenName: long }).firstName ?? '';
    expect(Array.from(name)).toHaveLength(200);
    expect(name.endsWith('😀')).toBe(true);
    expect(/\p{Cs}/u.test(name)).toBe(false);
  });

  it('does not leave trailing spaces when the cap falls on a space', () => {
    const name = map({ givenName: `${'a'.repeat(199)}   bbb` }).firstName ?? '';
    expect(name).toBe('a'.repeat(199));
  });
});

describe('emailOf / mapEntraUser: email', () => {
  it('takes mail, trimmed and lower-cased', () => {
    expect(map({ mail: '  Ada.Lovelace@Example.COM ' }).email).toBe('ada.lovelace@example.com');
  });

  it.each([undefined, null, '', '   '])('falls back to the UPN when mail is %j', (mail) => {
    expect(map({ mail, userPrincipalName: 'Ada@Contoso.com' }).email).toBe('ada@contoso.com');
  });

  it('prefers mail over the UPN', () => {
    expect(map({ mail: 'a@x.com', userPrincipalName: 'b@x.com' }).email).toBe('a@x.com');
  });

  it.each([
    'ada_example.com#EXT#@contoso.onmicrosoft.com',
    'ada_example.com#ext#@contoso.onmicrosoft.com',
    'ada_example.com#Ext#@contoso.onmicrosoft.com',
  ])('never uses a guest UPN (%s)', (upn) => {
    expect(map({ mail: null, userPrincipalName: upn }).email).toBeNull();
  });

  it('uses a guest’s mail even though its UPN has #EXT#', () => {
    expect(
      map({ mail: 'Ada@Example.com', userPrincipalName: 'ada_example.com#EXT#@c.com' }).email,
    ).toBe('ada@example.com');
  });

  it('has no email when neither mail nor UPN is present', () => {
    expect(map({ mail: null, userPrincipalName: null }).email).toBeNull();
    expect(map({ mail: undefined, userPrincipalName: undefined }).email).toBeNull();
  });

  it.each([
    'not-an-email',
    'two@@x.com',
    'a@b@c.com',
    'with space@x.com',
    '@x.com',
    'a@',
    'nul\u0000@x.com',
    'lone\ud800@x.com',
    `${'a'.repeat(250)}@x.com`,
  ])('ignores an implausible mail %j and falls back to the UPN', (mail) => {
    expect(emailOf({ id: 'x', mail, userPrincipalName: 'upn@x.com' })).toBe('upn@x.com');
    expect(emailOf({ id: 'x', mail, userPrincipalName: null })).toBeNull();
  });
});

describe('matchUnit / mapEntraUser: unit', () => {
  it('matches exactly one unit, trimmed and case-insensitive', () => {
    expect(matchUnit('  store 1 ', lookups)).toEqual({ unitId: 'u-store1' });
    expect(matchUnit('STORE 1', lookups)).toEqual({ unitId: 'u-store1' });
  });

  it('matches a decomposed value to a composed unit name (Unicode NFC)', () => {
    expect(matchUnit('Mu\u0308nchen', lookups)).toEqual({ unitId: 'u-munich' });
    expect(matchUnit('MU\u0308NCHEN', lookups)).toEqual({ unitId: 'u-munich' });
    const decomposed = buildLookups([{ id: 'd', name: 'Mu\u0308nchen' }], []);
    expect(matchUnit('München', decomposed)).toEqual({ unitId: 'd' });
  });

  it('matches a whole value naming one unit even though it contains a comma', () => {
    expect(matchUnit('Sales, EMEA', lookups)).toEqual({ unitId: 'u-sales-emea' });
    expect(matchUnit(' sales, emea ', lookups)).toEqual({ unitId: 'u-sales-emea' });
  });

  it('ignores any other value with a comma, with a note', () => {
    const r = matchUnit('Store 1, Paris', lookups);
    expect(r).toEqual({ note: expect.stringContaining('comma') as string });
    expect(JSON.stringify(r)).toContain('Store 1, Paris');
  });

  it('ignores a value no unit has, with a note naming it', () => {
    const r = matchUnit('Atlantis', lookups);
    expect(r).toEqual({ note: expect.stringContaining('no unit has that name') as string });
    expect(JSON.stringify(r)).toContain('Atlantis');
  });

  it('ignores a name several units share, with a note naming the ambiguity', () => {
    const r = matchUnit('OSLO', lookups);
    expect(r).toEqual({ note: expect.stringContaining('2 units share that name') as string });
    expect(JSON.stringify(r)).toContain('OSLO');
  });

  it('states nothing for an empty or blank value', () => {
    expect(matchUnit(null, lookups)).toBeNull();
    expect(matchUnit('', lookups)).toBeNull();
    expect(matchUnit('   ', lookups)).toBeNull();
  });

  it('keeps notes short and storable for hostile values', () => {
    const r = matchUnit(`\u0000${'x'.repeat(10_000)}`, lookups);
    const note = r && 'note' in r ? r.note : '';
    expect(note.length).toBeLessThan(200);
    expect(note).not.toContain('\u0000');
  });

  it('puts the unit note in the desired user and leaves it without membership', () => {
    const d = map({ department: 'Atlantis' });
    expect(d.membership).toBeNull();
    expect(d.notes.some((n) => n.includes('Atlantis'))).toBe(true);
    expect(d.notes).toContain('no managed membership: no unit matched');
  });
});

describe('matchUserTypes / mapEntraUser: user types', () => {
  it('splits on commas, trims, drops empties and matches case-insensitively', () => {
    expect(matchUserTypes(' employee ,, MANAGER , ', lookups)).toEqual({
      userTypeIds: ['t-emp', 't-mgr'],
      unknown: [],
    });
  });

  it('collapses duplicates, including case and normalisation variants', () => {
    expect(matchUserTypes('Employee,employee, EMPLOYEE,Cafe\u0301,café', lookups)).toEqual({
      userTypeIds: ['t-emp', 't-cafe'],
      unknown: [],
    });
  });

  it('ignores unknown names and reports each once', () => {
    expect(matchUserTypes('Pilot, Employee, pilot, Astronaut', lookups)).toEqual({
      userTypeIds: ['t-emp'],
      unknown: ['Pilot', 'Astronaut'],
    });
    const d = map({ jobTitle: 'Pilot, Employee' });
    expect(d.notes).toContain('user types ignored (no such user type): Pilot');
    expect(d.membership).toEqual({ unitId: 'u-store1', userTypeIds: ['t-emp'] });
  });

  it('lists at most ten unknown names in the note', () => {
    const raw = Array.from({ length: 25 }, (_, i) => `T${i}`).join(',');
    const d = map({ jobTitle: raw });
    const note = d.notes.find((n) => n.startsWith('user types ignored')) ?? '';
    expect(note).toContain('T9');
    expect(note).not.toContain('T10');
    expect(note).toContain('and 15 more');
  });

  it('returns nothing for an empty field', () => {
    expect(matchUserTypes(null, lookups)).toEqual({ userTypeIds: [], unknown: [] });
    expect(matchUserTypes(' , ,', lookups)).toEqual({ userTypeIds: [], unknown: [] });
  });
});

describe('mapEntraUser: managed membership', () => {
  it('exists when a unit and at least one user type matched', () => {
    expect(map({ department: 'store 1', jobTitle: 'Manager, Employee' }).membership).toEqual({
      unitId: 'u-store1',
      userTypeIds: ['t-mgr', 't-emp'],
    });
  });

  it('does not exist without a matched user type', () => {
    const d = map({ jobTitle: 'Pilot' });
    expect(d.membership).toBeNull();
    expect(d.notes).toContain('no managed membership: no user type matched');
    expect(map({ jobTitle: null }).membership).toBeNull();
  });

  it('does not exist without a matched unit', () => {
    expect(map({ department: null }).membership).toBeNull();
    expect(map({ department: 'Oslo' }).membership).toBeNull();
    expect(map({ department: 'Store 1, Paris' }).membership).toBeNull();
  });

  it('reads the configured fields, not fixed ones', () => {
    const d = mapEntraUser(
      entra({ city: 'Paris', department: 'Manager', jobTitle: 'Store 1' }),
      lookups,
      { ...settings, unitField: 'city', userTypeField: 'department' },
    );
    expect(d.membership).toEqual({ unitId: 'u-paris', userTypeIds: ['t-mgr'] });
  });

  it.each([
    'jobTitle',
    'companyName',
    'department',
    'streetAddress',
    'state',
    'country',
    'officeLocation',
    'city',
    'postalCode',
  ] as const)('can read the unit from %s', (field) => {
    const typeField = field === 'jobTitle' ? 'department' : 'jobTitle';
    const d = mapEntraUser(
      { id: 'x', givenName: 'A', surname: 'B', [field]: 'Paris', [typeField]: 'Employee' },
      lookups,
      { ...settings, unitField: field, userTypeField: typeField },
    );
    expect(d.membership).toEqual({ unitId: 'u-paris', userTypeIds: ['t-emp'] });
  });
});

describe('mapEntraUser: exclusions', () => {
  it('excludes guests unless "Include guests" is on', () => {
    expect(map({ userType: 'Guest' }).exclusion).toBe('guest');
    expect(map({ userType: 'guest' }).exclusion).toBe('guest');
    expect(map({ userType: 'Guest' }, { includeGuests: true }).exclusion).toBeNull();
    expect(map({ userType: 'Member' }).exclusion).toBeNull();
    expect(map({ userType: null }).exclusion).toBeNull();
  });

  it('excludes disabled accounts only when "Deactivate disabled accounts" is on', () => {
    expect(map({ accountEnabled: false }).exclusion).toBe('disabled');
    expect(map({ accountEnabled: false }, { deactivateDisabledUsers: false }).exclusion).toBeNull();
    expect(map({ accountEnabled: true }).exclusion).toBeNull();
    expect(map({ accountEnabled: null }).exclusion).toBeNull();
    expect(map({ accountEnabled: undefined }).exclusion).toBeNull();
  });

  it('reports a disabled guest as a guest', () => {
    expect(map({ userType: 'Guest', accountEnabled: false }).exclusion).toBe('guest');
    expect(
      map({ userType: 'Guest', accountEnabled: false }, { includeGuests: true }).exclusion,
    ).toBe('disabled');
  });
});

describe('entraLabel and safeText', () => {
  it('labels with display name and UPN, falling back to names, mail, then id', () => {
    expect(entraLabel(entra())).toBe('Ada Lovelace <ada@example.onmicrosoft.com>');
    expect(entraLabel({ id: 'x', givenName: 'Ada', surname: 'L', mail: 'a@x.com' })).toBe(
      'Ada L <a@x.com>',
    );
    expect(entraLabel({ id: 'x', displayName: ' ', userPrincipalName: '', mail: 'a@x.com' })).toBe(
      'a@x.com',
    );
    expect(entraLabel({ id: 'x' })).toBe('x');
  });

  it('keeps labels storable and bounded', () => {
    const label = entraLabel({ id: 'x', displayName: `A\u0000${'b'.repeat(10_000)}` });
    expect(label).not.toContain('\u0000');
    expect(label.length).toBeLessThan(300);
  });

  it('safeText caps by code points and never leaves a lone surrogate', () => {
    expect(safeText('😀😀😀', 2)).toBe('😀😀…');
    expect(safeText('a\ud800b\u0000', 10)).toBe('a\ufffdb ');
    expect(safeText('short', 10)).toBe('short');
  });
});
