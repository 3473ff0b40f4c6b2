import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index.ts';
import { TestClient } from './test-client.ts';

let emulator: Emulator;
let client: TestClient;

beforeAll(async () => {
  emulator = await startEmulator({ users: 5 });
  client = new TestClient(emulator);
});
afterAll(async () => {
  await client.close();
  await emulator.close();
});

const json = (body: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('control API', () => {
  it('lists tenants with counts and creates tenants', async () => {
    const list = await client.send('GET', '/_emulator');
    expect(list.json.tenants).toEqual([
      expect.objectContaining({ id: emulator.tenant.id, users: 5 }),
    ]);
    const created = await client.send(
      'POST',
      '/_emulator/tenants',
      json({ domain: 'tailspin.onmicrosoft.com' }),
    );
    expect(created.status).toBe(201);
    expect(emulator.findTenant('tailspin.onmicrosoft.com')?.id).toBe(created.json.id);
  });

  it('creates, patches, disables, soft-deletes, restores and hard-deletes a user', async () => {
    const base = `/_emulator/tenants/${emulator.tenant.domain}/users`;
    const created = await client.send(
      'POST',
      base,
      json({ givenName: 'Søren', surname: 'Kierkegaard' }),
    );
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    const patched = await client.send('PATCH', `${base}/${id}`, json({ department: 'Sales' }));
    expect(patched.json).toMatchObject({ id, department: 'Sales', givenName: 'Søren' });
    expect(emulator.tenant.getUser(id)?.department).toBe('Sales');

    await client.send('POST', `${base}/${id}/disable`);
    expect(emulator.tenant.getUser(id)?.accountEnabled).toBe(false);
    await client.send('POST', `${base}/${id}/enable`);
    expect(emulator.tenant.getUser(id)?.accountEnabled).toBe(true);
    await client.send('POST', `${base}/${id}/soft-delete`);
    expect(emulator.tenant.getUser(id)).toBeUndefined();
    expect((await client.send('GET', `${base}/${id}`)).json).toEqual({ id, deleted: true });
    await client.send('POST', `${base}/${id}/restore`);
    expect(emulator.tenant.getUser(id)).toBeDefined();
    const removed = await client.send('DELETE', `${base}/${id}`);
    expect(removed.status).toBe(200);
    expect((await client.send('GET', `${base}/${id}`)).status).toBe(404);
    expect((await client.send('POST', `${base}/${id}/restore`)).status).toBe(404);
  });

  it('validates bodies and names the field', async () => {
    const bad = await client.send(
      'PATCH',
      `/_emulator/tenants/default/users/${[...emulator.tenant.users()][0]?.id}`,
      json({ departmnet: 'x' }),
    );
    expect(bad.status).toBe(400);
    const badType = await client.send(
      'POST',
      '/_emulator/tenants/default/users',
      json({ accountEnabled: 'yes' }),
    );
    expect(badType.status).toBe(400);
    expect(String((badType.json.error as { message: string }).message)).toContain('accountEnabled');
  });

  it('generates users, lists them and counts', async () => {
    const generated = await client.send(
      'POST',
      '/_emulator/tenants/default/users/generate',
      json({ count: 50, seed: 9 }),
    );
    expect(generated.json.count).toBe(emulator.tenant.count());
    const page = await client.send('GET', '/_emulator/tenants/default/users?limit=10&offset=5');
    expect(page.json.items).toHaveLength(10);
    expect(page.json.count).toBe(emulator.tenant.count());
  });

  it('adds apps, sets faults and expires delta tokens', async () => {
    const app = await client.send(
      'POST',
      '/_emulator/tenants/default/apps',
      json({ consent: false }),
    );
    const token = await client.accessToken({
      clientId: String(app.json.clientId),
      secret: String(app.json.secret),
    });
    expect((await client.graph('/v1.0/users', token)).status).toBe(403);

    const good = await client.accessToken();
    await client.send('POST', '/_emulator/faults/rules', json({ kind: '429', retryAfter: 0.5 }));
    expect((await client.graph('/v1.0/users', good)).status).toBe(429);
    await client.send('PUT', '/_emulator/faults/rate', json({ rate: 1, kinds: ['504'] }));
    expect((await client.graph('/v1.0/users', good)).status).toBe(504);
    expect((await client.send('GET', '/_emulator/faults')).json.injected).toBe(2);
    await client.send('DELETE', '/_emulator/faults');
    expect((await client.graph('/v1.0/users', good)).status).toBe(200);

    const latest = await client.graph('/v1.0/users/delta?$deltatoken=latest', good);
    await client.send('POST', '/_emulator/tenants/default/expire-delta-tokens');
    expect((await client.graph(String(latest.json['@odata.deltaLink']), good)).status).toBe(410);
  });

  it('sets delta oddities, advances the clock, shows recent requests', async () => {
    const set = await client.send(
      'PUT',
      '/_emulator/tenants/default/delta-oddities',
      json({ duplicates: 0.1, shuffle: true }),
    );
    expect(set.json).toEqual({ duplicates: 0.1, shuffle: true });
    expect(emulator.tenant.deltaOddities).toEqual({ duplicates: 0.1, shuffle: true });
    emulator.tenant.deltaOddities = {};
    const good = await client.accessToken();
    await client.send('POST', '/_emulator/clock/advance', json({ ms: 3600_000 }));
    expect((await client.graph('/v1.0/users', good)).status).toBe(401);
    const log = await client.send('GET', '/_emulator/requests?limit=3');
    expect(log.json.items).toHaveLength(3);
    expect(
      (log.json.items as Array<{ path: string }>).every((e) => !e.path.startsWith('/_emulator')),
    ).toBe(true);
  });

  it('404s unknown tenants and routes', async () => {
    expect((await client.send('GET', '/_emulator/tenants/nowhere.example')).status).toBe(404);
    expect((await client.send('GET', '/_emulator/nope')).status).toBe(404);
  });
});
