import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { emulatorClient } from './testing/emulator-client.ts';
import type { GroupDeltaPage } from './types.ts';

/** Group reads of the scope against the emulator over real HTTPS (issue 14). */
describe('group reads against the emulator', () => {
  let emu: Emulator;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    emu = await startEmulator({ deltaPageSize: 3 });
    const t = emu.tenant;
    for (const n of ['ann', 'bob', 'cy', 'di', 'ed']) ids[n] = t.addUser({ givenName: n }).id;
    ids.staff = t.addGroup('Staff').id;
    ids.stores = t.addGroup('Stores').id;
    ids.other = t.addGroup('Other').id;
    t.addGroupMember(ids.staff, ids.ann as string);
    t.addGroupMember(ids.staff, ids.stores);
    for (const n of ['bob', 'cy', 'di']) t.addGroupMember(ids.stores, ids[n] as string);
  });
  afterAll(async () => emu?.close());

  async function round(
    start: Parameters<ReturnType<typeof emulatorClient>['groupMembersDelta']>[0],
  ) {
    const pages: GroupDeltaPage[] = [];
    for await (const p of emulatorClient(emu).groupMembersDelta(start)) pages.push(p);
    return pages;
  }

  it('finds groups by name and counts transitive user members', async () => {
    const client = emulatorClient(emu);
    expect(await client.searchGroups('st')).toEqual([
      { id: ids.staff, displayName: 'Staff' },
      { id: ids.stores, displayName: 'Stores' },
    ]);
    expect(await client.groupUserCount(ids.staff as string)).toBe(4);
    expect(await client.groupUserCount(ids.other as string)).toBe(0);
  });

  it('group delta: a first round lists direct members over several pages, then only changes', async () => {
    const first = await round({ groupIds: [ids.staff as string, ids.stores as string] });
    expect(first.length).toBeGreaterThan(1);
    const members = first.flatMap((p) =>
      p.groups.flatMap((g) => g.members.map((m) => `${g.id}:${m.type}:${m.id}`)),
    );
    expect(members.sort()).toEqual(
      [
        `${ids.staff}:user:${ids.ann}`,
        `${ids.staff}:group:${ids.stores}`,
        `${ids.stores}:user:${ids.bob}`,
        `${ids.stores}:user:${ids.cy}`,
        `${ids.stores}:user:${ids.di}`,
      ].sort(),
    );
    const link = first.at(-1)?.deltaLink;
    expect(link).toBeTruthy();
    const quiet = await round({ deltaLink: link as string });
    expect(quiet).toEqual([{ groups: [], nextLink: null, deltaLink: expect.any(String) }]);

    emu.tenant.removeGroupMember(ids.stores as string, ids.bob as string);
    emu.tenant.addGroupMember(ids.other as string, ids.ed as string); // not tracked
    const changed = await round({ deltaLink: quiet[0]?.deltaLink as string });
    expect(changed.flatMap((p) => p.groups)).toEqual([
      { id: ids.stores, removed: false, members: [{ id: ids.bob, type: 'user', removed: true }] },
    ]);
  });

  it('without GroupMember.Read.All: 403, and Test connection names the permission', async () => {
    const app = emu.tenant.addApp({ groupConsent: false });
    const client = emulatorClient(emu, emu.tenant, app);
    await expect(client.searchGroups('s')).rejects.toMatchObject({ httpStatus: 403 });
    const result = await client.testConnection({ groups: true });
    expect(result.ok).toBe(false);
    expect(result.steps.map((s) => [s.name, s.ok])).toEqual([
      ['token', true],
      ['permission', true],
      ['read-user', true],
      ['group-permission', false],
    ]);
    expect(result.steps[3]?.message).toContain('GroupMember.Read.All');
    // Without group scope the step is not run at all.
    expect((await client.testConnection()).ok).toBe(true);
  });
});
