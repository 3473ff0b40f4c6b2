import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index.ts';
import { TestClient } from './test-client.ts';

let emulator: Emulator;
let client: TestClient;
let token: string;

beforeAll(async () => {
  emulator = await startEmulator({ users: 600, deltaPageSize: 100, seed: 4 });
  client = new TestClient(emulator);
  token = await client.accessToken();
});
afterAll(async () => {
  await client.close();
  await emulator.close();
});

describe('delta oddities', () => {
  it('without oddities a round lists each user once, in creation order', async () => {
    const { values } = await client.all('/v1.0/users/delta?$select=id', token);
    expect(values.map((v) => v.id)).toEqual([...emulator.tenant.users()].map((u) => u.id));
  });

  it('duplicates and shuffle: same set of users, some twice, order changed', async () => {
    emulator.tenant.deltaOddities = { duplicates: 0.05, shuffle: true };
    const { values } = await client.all('/v1.0/users/delta?$select=id', token);
    emulator.tenant.deltaOddities = {};
    const ids = values.map((v) => String(v.id));
    const expected = [...emulator.tenant.users()].map((u) => u.id);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(ids.length).toBeGreaterThan(expected.length + 10);
    expect(ids.length).toBeLessThan(expected.length + 60);
    expect(ids.slice(0, 50)).not.toEqual(expected.slice(0, 50));
  });

  it('the first round mentions users soft-deleted earlier as @removed', async () => {
    const victim = [...emulator.tenant.users()][3]?.id ?? '';
    emulator.tenant.softDeleteUser(victim);
    const { values } = await client.all('/v1.0/users/delta?$select=id', token);
    expect(values).toContainEqual({ id: victim, '@removed': { reason: 'changed' } });
    emulator.tenant.restoreUser(victim);
  });

  it('a user changed many times appears once per round with its latest values', async () => {
    const latest = await client.graph(
      '/v1.0/users/delta?$select=id,jobTitle&$deltatoken=latest',
      token,
    );
    const id = [...emulator.tenant.users()][7]?.id ?? '';
    for (const title of ['A', 'B', 'C']) emulator.tenant.updateUser(id, { jobTitle: title });
    const { values } = await client.all(String(latest.json['@odata.deltaLink']), token);
    expect(values).toEqual([{ id, jobTitle: 'C' }]);
  });
});
