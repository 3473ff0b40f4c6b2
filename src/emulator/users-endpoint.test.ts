import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index.ts';
import { TestClient } from './test-client.ts';

let emulator: Emulator;
let client: TestClient;
let token: string;

beforeAll(async () => {
  emulator = await startEmulator({ users: 250, seed: 7 });
  client = new TestClient(emulator);
  token = await client.accessToken();
});
afterAll(async () => {
  await client.close();
  await emulator.close();
});

describe('GET /v1.0/users', () => {
  it('pages every live user with $top and opaque $skiptoken nextLinks', async () => {
    const { values, pages, last } = await client.all('/v1.0/users?$top=100&$select=id,mail', token);
    expect(pages).toBe(3);
    expect(values).toHaveLength(250);
    expect(new Set(values.map((v) => v.id)).size).toBe(250);
    expect(last.json['@odata.nextLink']).toBeUndefined();
    expect(last.json['@odata.context']).toBe(`${emulator.origin}/v1.0/$metadata#users(id,mail)`);
  });

  it('keeps $select and $top in the nextLink, with Graph-style $ parameters', async () => {
    const first = await client.graph('/v1.0/users?$select=id,department&$top=5', token);
    const next = String(first.json['@odata.nextLink']);
    expect(next).toMatch(
      /^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\?\$select=id,department&\$top=5&\$skiptoken=/,
    );
  });

  it('returns only selected properties plus id, nulls included', async () => {
    const answer = await client.graph(
      '/v1.0/users?$select=department,accountEnabled&$top=3',
      token,
    );
    for (const user of answer.json.value as Record<string, unknown>[]) {
      expect(Object.keys(user).sort()).toEqual(['accountEnabled', 'department', 'id']);
    }
  });

  it('returns the default property set without $select (no accountEnabled)', async () => {
    const answer = await client.graph('/v1.0/users?$top=1', token);
    const user = (answer.json.value as Record<string, unknown>[])[0] ?? {};
    expect(user).toHaveProperty('userPrincipalName');
    expect(user).not.toHaveProperty('accountEnabled');
    expect(user).not.toHaveProperty('department');
  });

  it('defaults $top to 100 and refuses 0 and 1000 with the Graph envelope', async () => {
    const answer = await client.graph('/v1.0/users?$select=id', token);
    expect(answer.json.value).toHaveLength(100);
    for (const top of ['0', '1000']) {
      const bad = await client.graph(`/v1.0/users?$top=${top}`, token);
      expect(bad.status).toBe(400);
      expect(bad.json.error).toMatchObject({ code: 'Request_BadRequest' });
      expect(bad.json.error).toHaveProperty('innerError.request-id');
    }
  });

  it('filters on accountEnabled, userType and startswith(userPrincipalName)', async () => {
    const all = [...emulator.tenant.users()];
    const disabled = await client.all(
      '/v1.0/users?$filter=accountEnabled eq false&$select=id,accountEnabled',
      token,
    );
    expect(disabled.values.length).toBe(all.filter((u) => u.accountEnabled === false).length);
    expect(disabled.values.length).toBeGreaterThan(0);
    const members = await client.all(
      "/v1.0/users?$filter=userType eq 'Member'&$select=id,userType&$top=999",
      token,
    );
    expect(members.values.length).toBe(all.filter((u) => u.userType === 'Member').length);
    const a = await client.all(
      "/v1.0/users?$filter=startswith(userPrincipalName,'a')&$select=id,userPrincipalName",
      token,
    );
    expect(a.values.length).toBe(
      all.filter((u) => u.userPrincipalName.toLowerCase().startsWith('a')).length,
    );
    const bad = await client.graph("/v1.0/users?$filter=id ge 'x'", token);
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'Request_UnsupportedQuery' });
  });

  it('startswith(userPrincipalName) ignores case, takes doubled quotes, and its nextLinks keep it', async () => {
    const odd = emulator.tenant.addUser({ givenName: 'Odd', userPrincipalName: "'o@x.test" });
    const upper = emulator.tenant.addUser({ givenName: 'Up', userPrincipalName: 'JANE.Q@x.test' });
    const quoted = await client.all(
      `/v1.0/users?$filter=${encodeURIComponent("startswith(userPrincipalName,'''')")}&$select=id`,
      token,
    );
    expect(quoted.values.map((v) => v.id)).toEqual([odd.id]);
    const wanted = [...emulator.tenant.users()]
      .filter((u) => u.userPrincipalName.toLowerCase().startsWith('j'))
      .map((u) => u.id);
    expect(wanted).toContain(upper.id);
    expect(wanted.length).toBeGreaterThan(4);
    const filter = encodeURIComponent("startswith(userPrincipalName,'j')");
    const paged = await client.all(
      `/v1.0/users?$select=id,userPrincipalName&$top=3&$filter=${filter}`,
      token,
    );
    expect(paged.pages).toBe(Math.ceil(wanted.length / 3));
    expect(paged.values.map((v) => v.id)).toEqual(wanted);
    const first = await client.graph(`/v1.0/users?$select=id&$top=3&$filter=${filter}`, token);
    const next = new URL(String(first.json['@odata.nextLink']));
    expect(next.searchParams.get('$filter')).toBe("startswith(userPrincipalName,'j')");
    expect(next.searchParams.get('$top')).toBe('3');
    emulator.tenant.hardDeleteUser(odd.id);
    emulator.tenant.hardDeleteUser(upper.id);
  });

  it('answers an unknown $select property with 400', async () => {
    const bad = await client.graph('/v1.0/users?$select=id,shoeSize', token);
    expect(bad.status).toBe(400);
  });

  it('reads one user by id and 404s for a soft-deleted one', async () => {
    const user = emulator.tenant.addUser({ givenName: 'Zoë', surname: 'Søren' });
    const answer = await client.graph(`/v1.0/users/${user.id}?$select=givenName,surname`, token);
    expect(answer.json).toMatchObject({ id: user.id, givenName: 'Zoë', surname: 'Søren' });
    emulator.tenant.softDeleteUser(user.id);
    const gone = await client.graph(`/v1.0/users/${user.id}`, token);
    expect(gone.status).toBe(404);
    expect(gone.json.error).toMatchObject({ code: 'Request_ResourceNotFound' });
    const list = await client.all('/v1.0/users?$select=id&$top=999', token);
    expect(list.values.some((v) => v.id === user.id)).toBe(false);
  });

  it('answers 401 InvalidAuthenticationToken without, with a bad or an expired token', async () => {
    const none = await client.send('GET', '/v1.0/users');
    expect(none.status).toBe(401);
    expect(none.json.error).toMatchObject({ code: 'InvalidAuthenticationToken' });
    const bad = await client.graph('/v1.0/users', 'made-up');
    expect(bad.json.error).toMatchObject({ code: 'InvalidAuthenticationToken' });
    const fresh = await client.accessToken();
    emulator.advanceTime(3600_000);
    const expired = await client.graph('/v1.0/users', fresh);
    expect(expired.status).toBe(401);
    expect(expired.json.error).toMatchObject({ code: 'InvalidAuthenticationToken' });
    token = await client.accessToken();
  });

  it('answers 403 Authorization_RequestDenied to an app without consent', async () => {
    const app = emulator.tenant.addApp({ consent: false });
    const noConsent = await client.accessToken(app);
    const answer = await client.graph('/v1.0/users', noConsent);
    expect(answer.status).toBe(403);
    expect(answer.json.error).toMatchObject({
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
    });
  });

  it('keeps tenants apart: a token only sees its own tenant', async () => {
    const other = emulator.createTenant({ domain: 'fabrikam.onmicrosoft.com' });
    other.addUser({ givenName: 'Only', surname: 'Here' });
    const otherToken = await client.accessToken(other.defaultApp, other.domain);
    const answer = await client.all('/v1.0/users?$select=id,givenName', otherToken);
    expect(answer.values).toEqual([expect.objectContaining({ givenName: 'Only' })]);
  });
});

describe('GET /v1.0/users/$count', () => {
  const eventual = { ConsistencyLevel: 'eventual' };

  it('answers the number of live users as text/plain with ConsistencyLevel: eventual', async () => {
    const live = [...emulator.tenant.users()].length;
    const answer = await client.send('GET', '/v1.0/users/$count', {
      headers: { authorization: `Bearer ${token}`, ...eventual },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
    expect(answer.headers['request-id']).toBeTruthy();
    expect(answer.json).toBe(live);
    const filtered = await client.graph(
      `/v1.0/users/$count?$filter=${encodeURIComponent("startswith(userPrincipalName,'a')")}`,
      token,
      eventual,
    );
    expect(filtered.json).toBe(
      [...emulator.tenant.users()].filter((u) => u.userPrincipalName.toLowerCase().startsWith('a'))
        .length,
    );
  });

  it('refuses $count without ConsistencyLevel: eventual, as Graph does', async () => {
    // concepts/aad-advanced-queries.md, "Error handling for advanced queries".
    const answer = await client.graph('/v1.0/users/$count', token);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({
      code: 'Request_BadRequest',
      message: '$count is not currently supported.',
    });
  });

  it('counts a soft-deleted user out, and lags behind by usersCountLag', async () => {
    const count = async () => (await client.graph('/v1.0/users/$count', token, eventual)).json;
    const before = await count();
    const user = emulator.tenant.addUser({ givenName: 'Count', surname: 'Me' });
    expect(await count()).toBe(Number(before) + 1);
    emulator.tenant.softDeleteUser(user.id);
    expect(await count()).toBe(before);
    emulator.tenant.usersCountLag = 2;
    expect(await count()).toBe(Number(before) - 2);
    emulator.tenant.usersCountLag = 0;
  });
});
