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
