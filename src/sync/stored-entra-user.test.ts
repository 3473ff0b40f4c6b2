import { describe, expect, it } from 'vitest';
import { parseStoredEntraUser } from './stored-entra-user.ts';

describe('parseStoredEntraUser', () => {
  it('reads back every selected property', () => {
    const user = {
      id: 'e1',
      givenName: 'Ada',
      surname: null,
      displayName: 'Ada',
      mail: 'ada@x.com',
      userPrincipalName: 'ada@x.onmicrosoft.com',
      accountEnabled: false,
      userType: 'Member',
      jobTitle: 'Employee',
      companyName: 'Contoso',
      department: 'Sales, EMEA',
      streetAddress: '1 Main St',
      state: 'WA',
      country: 'US',
      officeLocation: 'B1',
      city: 'Seattle',
      postalCode: '98052',
    };
    expect(parseStoredEntraUser(JSON.stringify(user))).toEqual(user);
  });

  it('reads nested employee data and extension attributes key by key', () => {
    const stored = {
      id: 'e2',
      employeeType: 'Contractor',
      employeeOrgData: { division: 'Retail', costCenter: 7, extra: 'x' },
      onPremisesExtensionAttributes: { extensionAttribute3: 'Store 7' },
    };
    const user = parseStoredEntraUser(JSON.stringify(stored));
    expect(user?.employeeType).toBe('Contractor');
    expect(user?.employeeOrgData).toEqual({ division: 'Retail', costCenter: null });
    expect(user?.onPremisesExtensionAttributes?.extensionAttribute3).toBe('Store 7');
    expect(
      parseStoredEntraUser('{"id":"e3","employeeOrgData":"Retail"}')?.employeeOrgData,
    ).toBeNull();
  });

  it.each(['', 'not json', '{"id":', "{'id':'x'}"])('rejects non-JSON %j', (text) => {
    expect(parseStoredEntraUser(text)).toBeNull();
  });

  it.each(['null', '42', '"e1"', 'true'])('rejects the non-object %s', (text) => {
    expect(parseStoredEntraUser(text)).toBeNull();
  });

  it.each(['{}', '{"id":null}', '{"id":42}', '{"givenName":"Ada"}', '[]', '["e1"]'])(
    'rejects %s, which has no string id',
    (text) => {
      expect(parseStoredEntraUser(text)).toBeNull();
    },
  );

  it('drops wrongly typed properties and keeps nulls', () => {
    const parsed = parseStoredEntraUser(
      JSON.stringify({
        id: 'e1',
        givenName: 42,
        surname: ['Lovelace'],
        mail: { address: 'a@x.com' },
        accountEnabled: 'false',
        userType: true,
        department: null,
        city: 'Oslo',
      }),
    );
    expect(parsed).toEqual({ id: 'e1', department: null, city: 'Oslo' });
  });

  it('keeps accountEnabled only as a boolean or null', () => {
    expect(parseStoredEntraUser('{"id":"e1","accountEnabled":true}')).toEqual({
      id: 'e1',
      accountEnabled: true,
    });
    expect(parseStoredEntraUser('{"id":"e1","accountEnabled":null}')).toEqual({
      id: 'e1',
      accountEnabled: null,
    });
    expect(parseStoredEntraUser('{"id":"e1","accountEnabled":0}')).toEqual({ id: 'e1' });
  });

  it('ignores properties the sync does not select', () => {
    expect(
      parseStoredEntraUser('{"id":"e1","manager":"x","@odata.type":"#microsoft.graph.user"}'),
    ).toEqual({ id: 'e1' });
  });

  it('does not let a stored "__proto__" key reach the result', () => {
    const parsed = parseStoredEntraUser('{"id":"e1","__proto__":{"givenName":"Evil"}}');
    expect(parsed).toEqual({ id: 'e1' });
    expect(parsed?.givenName).toBeUndefined();
  });
});
