import { afterEach, describe, expect, it } from 'vitest';
import { foldText } from '../../src/directory/search-key.ts';
import { csvCell } from '../../src/directory/users-csv.ts';
import { parseCsv } from '../helpers/csv.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

interface ApiUser {
  id: string;
  email: string;
  firstName: string;
  memberships: { unitId: string; userTypeIds: string[]; managedBy: string | null }[];
}

describe('search folding and CSV cells', () => {
  it('folds case and accents', () => {
    expect(foldText('  José  NÚÑEZ ')).toBe('jose nunez');
    expect(foldText('Müller Straße Øst')).toBe('muller strasse ost');
  });
  it('quotes and defuses cells', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+1')).toBe("'=1+1");
  });
});

/** Issue 13: the users list's filters, accent-insensitive search, tab totals and CSV export. */
describeEachDialect('users list filters, search and CSV', (dialect) => {
  let env: SyncEnv;
  afterEach(async () => env?.close());

  async function setup(): Promise<SyncEnv> {
    env = await createSyncEnv(dialect, {
      units: ['Sales', 'Support'],
      userTypes: ['Employee', 'Manager'],
    });
    const t = env.emulator.tenant;
    t.addUser({
      givenName: 'José',
      surname: 'Núñez',
      mail: 'jose.nunez@contoso.test',
      department: 'Sales',
      jobTitle: 'Employee',
    });
    t.addUser({
      givenName: 'Anna',
      surname: 'Müller',
      mail: 'anna@contoso.test',
      department: 'Support',
      jobTitle: 'Manager',
    });
    t.addUser({
      givenName: 'Bo',
      surname: 'Ek',
      mail: 'bo@contoso.test',
      department: 'Nowhere',
      jobTitle: 'Employee',
    });
    await env.run({ full: true });
    expect(
      (
        await env.api('POST', '/users', {
          firstName: 'Zoë',
          lastName: 'Local, "Jr"',
          email: 'zoe@local.test',
        })
      ).status,
    ).toBe(201);
    return env;
  }

  async function emails(query: string): Promise<string[]> {
    const res = await env.api('GET', `/users?${query}`);
    expect(res.status).toBe(200);
    return (res.body as { items: ApiUser[] }).items.map((u) => u.email).sort();
  }

  it('filters by unit, user type, integration and status, and searches without accents', async () => {
    await setup();
    const sales = env.units.get('Sales') ?? '';
    const manager = env.userTypes.get('Manager') ?? '';
    expect(await emails(`unitId=${sales}`)).toEqual(['jose.nunez@contoso.test']);
    expect(await emails(`userTypeId=${manager}`)).toEqual(['anna@contoso.test']);
    expect(await emails(`integrationId=${env.integrationId}`)).toHaveLength(3);
    expect(await emails(`integrationId=${env.integrationId}&assignment=unassigned`)).toEqual([
      'bo@contoso.test',
    ]);
    expect(await emails('search=NUNEZ')).toEqual(['jose.nunez@contoso.test']);
    expect(await emails('search=muller')).toEqual(['anna@contoso.test']);
    expect(await emails('search=zoe')).toEqual(['zoe@local.test']);
    expect(await emails(`search=${encodeURIComponent('jose nú')}`)).toEqual([
      'jose.nunez@contoso.test',
    ]);
    expect(await emails('search=%25')).toEqual([]);
    // An edit in the platform is found by its new name.
    const zoe = (await env.api('GET', '/users?email=zoe@local.test')).body as { items: ApiUser[] };
    await env.api('PATCH', `/users/${zoe.items[0]?.id}`, { firstName: 'Chloé' });
    expect(await emails('search=chloe')).toEqual(['zoe@local.test']);
    const counts = await env.api('GET', `/users/counts?integrationId=${env.integrationId}`);
    expect(counts.body).toEqual({ all: 3, unassigned: 1, deactivated: 0 });
    const searched = await env.api('GET', '/users/counts?search=CONTOSO');
    expect(searched.body).toEqual({ all: 3, unassigned: 1, deactivated: 0 });
    const all = await env.api('GET', '/users/counts');
    expect(all.body).toEqual({ all: 4, unassigned: 2, deactivated: 0 });
  });

  it('exports the filtered list as CSV', async () => {
    await setup();
    const res = await env.app.inject({
      method: 'GET',
      url: '/api/v1/users/export.csv?assignment=unassigned',
      headers: { authorization: `Bearer ${await login()}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const rows = parseCsv(res.body);
    expect(rows[0]).toEqual([
      'id',
      'firstName',
      'lastName',
      'email',
      'status',
      'assigned',
      'units',
      'userTypes',
      'managedUnits',
      'integration',
      'deactivatedAt',
      'purgeAfter',
    ]);
    const body = rows
      .slice(1)
      .map((r) => [r[3], r[2], r[9]])
      .sort();
    expect(body).toEqual([
      ['bo@contoso.test', 'Ek', 'Entra'],
      ['zoe@local.test', 'Local, "Jr"', ''],
    ]);
    const everyone = await env.app.inject({
      method: 'GET',
      url: `/api/v1/users/export.csv?unitId=${env.units.get('Support')}`,
      headers: { authorization: `Bearer ${await login()}` },
    });
    const one = parseCsv(everyone.body).slice(1);
    expect(one.map((r) => [r[3], r[6], r[7], r[8]])).toEqual([
      ['anna@contoso.test', 'Support', 'Manager', 'Support'],
    ]);
  });

  async function login(): Promise<string> {
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: env.adminEmail, password: env.adminPassword },
    });
    return (res.json() as { token: string }).token;
  }
});
