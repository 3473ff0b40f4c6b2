import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index.ts';
import { TestClient } from './test-client.ts';

let emulator: Emulator;
let client: TestClient;
let token: string;

const SELECT = 'id,givenName,surname,mail,accountEnabled,department';

beforeAll(async () => {
  emulator = await startEmulator({ users: 450, seed: 3, deltaPageSize: 200 });
  client = new TestClient(emulator);
  token = await client.accessToken();
});
afterAll(async () => {
  await client.close();
  await emulator.close();
});

type Entry = Record<string, unknown>;

async function round(url: string): Promise<{ values: Entry[]; pages: number; deltaLink: string }> {
  const { values, pages, last } = await client.all(url, token);
  const deltaLink = last.json['@odata.deltaLink'];
  expect(typeof deltaLink).toBe('string');
  return { values, pages, deltaLink: deltaLink as string };
}

describe('GET /v1.0/users/delta', () => {
  let link = '';

  it('first round: every live user over server-sized pages, then a deltaLink', async () => {
    const first = await round(`/v1.0/users/delta?$select=${SELECT}`);
    expect(first.pages).toBe(3);
    expect(first.values).toHaveLength(450);
    expect(Object.keys(first.values[0] ?? {}).sort()).toEqual(SELECT.split(',').sort());
    link = first.deltaLink;
    expect(link).toMatch(/\/v1\.0\/users\/delta\?\$deltatoken=/);
  });

  it('no changes: empty value and a new deltaLink', async () => {
    const answer = await client.graph(link, token);
    expect(answer.json.value).toEqual([]);
    expect(answer.json['@odata.deltaLink']).toBeTruthy();
    link = String(answer.json['@odata.deltaLink']);
  });

  it('incremental: add, update (all selected props), soft delete, restore, hard delete', async () => {
    const tenant = emulator.tenant;
    const ids = [...tenant.users()].slice(0, 4).map((u) => u.id);
    const [updated, softDeleted, restored, hardDeleted] = ids as [string, string, string, string];
    const added = tenant.addUser({ givenName: 'Łukasz', surname: 'Nowak', department: 'Sales' });
    tenant.updateUser(updated, { department: 'Logistics' });
    tenant.softDeleteUser(softDeleted);
    tenant.softDeleteUser(restored);
    tenant.restoreUser(restored);
    tenant.hardDeleteUser(hardDeleted);

    const changes = await round(link);
    const byId = new Map(changes.values.map((v) => [v.id, v]));
    expect(changes.values).toHaveLength(5);
    expect(byId.get(added.id)).toMatchObject({
      givenName: 'Łukasz',
      department: 'Sales',
      mail: null,
    });
    const u = byId.get(updated) ?? {};
    expect(u.department).toBe('Logistics');
    expect(Object.keys(u).sort()).toEqual(SELECT.split(',').sort());
    expect(byId.get(softDeleted)).toEqual({ id: softDeleted, '@removed': { reason: 'changed' } });
    expect(byId.get(restored)).toMatchObject({ id: restored, accountEnabled: true });
    expect(byId.get(restored)).not.toHaveProperty('@removed');
    expect(byId.get(hardDeleted)).toEqual({ id: hardDeleted, '@removed': { reason: 'deleted' } });
    link = changes.deltaLink;
  });

  it('$deltatoken=latest: no users, a deltaLink from now', async () => {
    const latest = await client.graph(
      `/v1.0/users/delta?$select=${SELECT}&$deltatoken=latest`,
      token,
    );
    expect(latest.json.value).toEqual([]);
    const from = String(latest.json['@odata.deltaLink']);
    const user = [...emulator.tenant.users()][10];
    emulator.tenant.disableUser(user?.id ?? '');
    const changes = await round(from);
    expect(changes.values).toEqual([
      expect.objectContaining({ id: user?.id, accountEnabled: false }),
    ]);
  });

  it('never loses a user changed while the first round is paged', async () => {
    const tenant = emulator.tenant;
    const first = await client.graph(`/v1.0/users/delta?$select=id,department`, token);
    const late = tenant.addUser({ givenName: 'Late', surname: 'Comer' });
    const early = first.json.value as Entry[];
    const changedEarly = String(early[0]?.id);
    tenant.updateUser(changedEarly, { department: 'Changed mid-round' });
    const rest = await round(String(first.json['@odata.nextLink']));
    const next = await round(rest.deltaLink);
    const seen = [...early, ...rest.values, ...next.values];
    expect(seen.some((v) => v.id === late.id)).toBe(true);
    expect(next.values.find((v) => v.id === changedEarly)).toMatchObject({
      department: 'Changed mid-round',
    });
  });

  it('answers 410 Gone with a Location after expireDeltaTokens', async () => {
    const latest = await client.graph('/v1.0/users/delta?$select=id&$deltatoken=latest', token);
    emulator.tenant.expireDeltaTokens();
    const gone = await client.graph(String(latest.json['@odata.deltaLink']), token);
    expect(gone.status).toBe(410);
    expect(gone.headers.location).toBe(`${emulator.origin}/v1.0/users/delta?$select=id`);
    expect(gone.json.error).toMatchObject({ code: 'syncStateNotFound' });
  });

  it('answers 410 Gone for a deltaLink older than 7 days', async () => {
    const latest = await client.graph('/v1.0/users/delta?$select=id&$deltatoken=latest', token);
    emulator.advanceTime(7 * 86_400_000 + 1000);
    token = await client.accessToken();
    const gone = await client.graph(String(latest.json['@odata.deltaLink']), token);
    expect(gone.status).toBe(410);
  });

  it('rejects a tampered token with 400', async () => {
    const latest = await client.graph('/v1.0/users/delta?$select=id&$deltatoken=latest', token);
    const tampered = String(latest.json['@odata.deltaLink']).replace(
      /deltatoken=./,
      'deltatoken=x',
    );
    expect((await client.graph(tampered, token)).status).toBe(400);
  });
});
