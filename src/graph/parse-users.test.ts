import { describe, expect, it } from 'vitest';
import { parseEnvelope, parseUser, toDeltaPage, toUsersPage } from './parse-users.ts';

const full = {
  id: 'a1',
  givenName: 'Ada',
  surname: 'Lovelace',
  displayName: 'Ada Lovelace',
  mail: 'ada@contoso.com',
  userPrincipalName: 'ada@contoso.com',
  accountEnabled: true,
  userType: 'Member',
  jobTitle: 'Engineer',
  companyName: 'Contoso',
  department: 'R&D',
  streetAddress: '1 Main St',
  state: 'WA',
  country: 'US',
  officeLocation: 'B1',
  city: 'Redmond',
  postalCode: '98052',
  employeeType: 'Employee',
  employeeOrgData: { division: 'Retail', costCenter: 'CC-1' },
  onPremisesExtensionAttributes: Object.fromEntries(
    Array.from({ length: 15 }, (_, i) => [`extensionAttribute${i + 1}`, i === 2 ? 'S0042' : null]),
  ),
};

describe('parseUser', () => {
  it('keeps every property of SPEC §3 and reads absent ones as null', () => {
    expect(parseUser(full)).toEqual(full);
    expect(parseUser({ id: 'b2', givenName: 'Bo', '@odata.type': 'x' })).toEqual({
      id: 'b2',
      givenName: 'Bo',
      surname: null,
      displayName: null,
      mail: null,
      userPrincipalName: null,
      accountEnabled: null,
      userType: null,
      jobTitle: null,
      companyName: null,
      department: null,
      streetAddress: null,
      state: null,
      country: null,
      officeLocation: null,
      city: null,
      postalCode: null,
      employeeType: null,
      employeeOrgData: null,
      onPremisesExtensionAttributes: null,
    });
  });

  it('reads nested objects key by key and names the nested property at fault', () => {
    const partial = parseUser({ id: 'c3', employeeOrgData: { division: 'Retail' } });
    expect(partial?.employeeOrgData).toEqual({ division: 'Retail', costCenter: null });
    expect(
      parseUser({ id: 'c3', onPremisesExtensionAttributes: { extensionAttribute3: 'x', other: 1 } })
        ?.onPremisesExtensionAttributes?.extensionAttribute3,
    ).toBe('x');
    const page = toUsersPage({
      value: [
        { id: 'd4', employeeOrgData: 'Retail' },
        { id: 'e5', onPremisesExtensionAttributes: { extensionAttribute7: 7 } },
      ],
      nextLink: null,
      deltaLink: null,
    });
    expect(page.invalid).toEqual([
      { id: 'd4', property: 'employeeOrgData' },
      { id: 'e5', property: 'onPremisesExtensionAttributes/extensionAttribute7' },
    ]);
  });

  it('rejects entries without an id or with a property of the wrong type', () => {
    expect(parseUser({ givenName: 'x' })).toBeNull();
    expect(parseUser({ id: '' })).toBeNull();
    expect(parseUser({ id: 'x', givenName: 5 })).toBeNull();
    expect(parseUser({ id: 'x', accountEnabled: 'yes' })).toBeNull();
    expect(parseUser('x')).toBeNull();
    expect(parseUser(null)).toBeNull();
  });
});

describe('pages', () => {
  it('lists malformed users apart, with their id and the property at fault, keeping the rest', () => {
    const env = parseEnvelope({
      value: [full, { givenName: 'no id' }, 42, { id: 'c3' }, { id: 'd4', surname: 7 }],
      '@odata.nextLink': 'https://g/next',
    });
    expect(env).not.toBeNull();
    const page = toUsersPage(env!);
    expect(page.users.map((u) => u.id)).toEqual(['a1', 'c3']);
    expect(page.invalid).toEqual([
      { id: null, property: 'id' },
      { id: null, property: '(entry)' },
      { id: 'd4', property: 'surname' },
    ]);
    expect(page.nextLink).toBe('https://g/next');
  });

  it('splits delta entries into users and removals with their reason', () => {
    const env = parseEnvelope({
      value: [
        full,
        { id: 'r1', '@removed': { reason: 'changed' } },
        { id: 'r2', '@removed': { reason: 'deleted' } },
        { id: 'r3', '@removed': { reason: 'other' } },
      ],
      '@odata.deltaLink': 'https://g/delta?$deltatoken=abc',
    });
    const page = toDeltaPage(env!);
    expect(page.users.map((u) => u.id)).toEqual(['a1']);
    expect(page.removed).toEqual([
      { id: 'r1', reason: 'changed' },
      { id: 'r2', reason: 'deleted' },
    ]);
    expect(page.invalid).toEqual([{ id: 'r3', property: '@removed' }]);
    expect(page.nextLink).toBeNull();
    expect(page.deltaLink).toBe('https://g/delta?$deltatoken=abc');
  });

  it('rejects envelopes without a value list or with non-string links', () => {
    expect(parseEnvelope({})).toBeNull();
    expect(parseEnvelope({ value: {} })).toBeNull();
    expect(parseEnvelope({ value: [], '@odata.nextLink': 3 })).toBeNull();
    expect(parseEnvelope([])).toBeNull();
  });
});
