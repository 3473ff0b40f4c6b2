import diagnostics from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { ResyncRequiredError } from './errors.ts';
import {
  deltaRound,
  emulatorClient,
  listIds,
  tenantIds,
  tokenRequests,
} from './testing/emulator-client.ts';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ users: 2500, seed: 11 });
});
afterAll(async () => {
  await emu.close();
});

describe('reading users from the emulator over HTTPS', () => {
  it('pages through 2,500 users via /users in pages of 999', async () => {
    const { ids, pages } = await listIds(emulatorClient(emu));
    expect(pages).toBe(3);
    expect(ids).toHaveLength(2500);
    expect([...ids].sort()).toEqual(tenantIds(emu.tenant));
  });

  it('pages through the same users via a delta round from scratch', async () => {
    const round = await deltaRound(emulatorClient(emu), { initial: true });
    expect(round.pages).toBeGreaterThan(3);
    expect(new Set(round.ids).size).toBe(2500);
    expect([...new Set(round.ids)].sort()).toEqual(tenantIds(emu.tenant));
    expect(round.deltaLink.startsWith(`${emu.origin}/v1.0/users/delta?`)).toBe(true);
  });

  it('reads one UPN partition with startswith, and counts the users with ConsistencyLevel', async () => {
    const client = emulatorClient(emu);
    const odd = emu.tenant.addUser({ givenName: 'Pat', userPrincipalName: "'pat@x.test" });
    const ids: string[] = [];
    for await (const page of client.listUsers({ upnStartsWith: "'" })) {
      ids.push(...page.users.map((u) => u.id));
    }
    expect(ids).toEqual([odd.id]);
    const all = [...emu.tenant.users()];
    const js: string[] = [];
    for await (const page of client.listUsers({ upnStartsWith: 'J', prefetch: true })) {
      js.push(...page.users.map((u) => u.id));
    }
    const wanted = all.filter((u) => u.userPrincipalName.toLowerCase().startsWith('j'));
    expect(wanted.length).toBeGreaterThan(100);
    expect(js).toEqual(wanted.map((u) => u.id));
    expect(await client.countUsers()).toBe(all.length);
    emu.tenant.hardDeleteUser(odd.id);
    expect(await client.countUsers()).toBe(all.length - 1);
  });

  it('returns every property of SPEC §3 for a user', async () => {
    const client = emulatorClient(emu);
    const first = [...emu.tenant.users()][0]!;
    const user = await client.getUser(first.id);
    expect(user).toEqual(first);
    expect(await client.getUser('00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  it('reuses one token for many pages', async () => {
    const app = emu.tenant.addApp();
    const before = tokenRequests(emu);
    const client = emulatorClient(emu, emu.tenant, app);
    await listIds(client);
    await deltaRound(client, { initial: true });
    expect(tokenRequests(emu) - before).toBe(1);
  });

  it('prefetch returns the same users in the same order', async () => {
    const client = emulatorClient(emu);
    const plain = await listIds(client, false);
    const ahead = await listIds(client, true);
    expect(ahead).toEqual(plain);
    const deltaPlain = await deltaRound(client, { initial: true }, false);
    const deltaAhead = await deltaRound(client, { initial: true }, true);
    expect([...new Set(deltaAhead.ids)].sort()).toEqual([...new Set(deltaPlain.ids)].sort());
  });

  it('prefetch really overlaps: the next page is requested before the consumer asks', async () => {
    const client = emulatorClient(emu);
    const listRequests = () => emu.requestLog.filter((r) => r.path === '/v1.0/users').length;
    const before = listRequests();
    for await (const page of client.listUsers({ prefetch: true })) {
      expect(page.nextLink).not.toBeNull();
      // While the consumer holds page 1, the read-ahead of page 2 has already been sent.
      await new Promise((r) => setTimeout(r, 100));
      expect(listRequests() - before).toBe(2);
      break;
    }
  });

  it('the read-ahead request has left when the consumer gets a page (synchronous work cannot hold it)', async () => {
    // A SQLite write is synchronous: if the request for page 2 had not been written to the
    // socket by the time page 1 is handed over, it would wait for that work to end.
    const sent: string[] = [];
    const onSend = (message: unknown) => {
      const path = (message as { request?: { path?: string } }).request?.path ?? '';
      if (path.startsWith('/v1.0/users')) sent.push(path);
    };
    diagnostics.subscribe('undici:client:sendHeaders', onSend);
    try {
      const client = emulatorClient(emu);
      let pages = 0;
      for await (const page of client.listUsers({ prefetch: true })) {
        pages++;
        // Checked before anything else runs: page `pages + 1`'s request is out already.
        if (page.nextLink !== null) expect(sent).toHaveLength(pages + 1);
      }
      expect(pages).toBe(3);
    } finally {
      diagnostics.unsubscribe('undici:client:sendHeaders', onSend);
    }
  });

  it('gets a token after Graph rejects an expired one (401 InvalidAuthenticationToken)', async () => {
    const app = emu.tenant.addApp();
    const client = emulatorClient(emu, emu.tenant, app);
    const before = tokenRequests(emu);
    await client.getUser([...emu.tenant.users()][0]!.id);
    // msal still trusts its cached token; the emulator's clock says it expired.
    emu.advanceTime(2 * 3600_000);
    const { ids } = await listIds(client);
    expect(ids).toHaveLength(emu.tenant.count());
    expect(tokenRequests(emu) - before).toBe(2);
  });
});

describe('delta rounds after changes', () => {
  it('reports updates, both removal reasons, restores and the "latest" link', async () => {
    const tenant = emu.createTenant();
    tenant.generate(300, 5);
    const client = emulatorClient(emu, tenant);
    const first = await deltaRound(client, { initial: true });
    expect(new Set(first.ids).size).toBe(300);
    const latest = await client.latestDeltaLink();

    const [a, b, c, d] = [...tenant.users()];
    tenant.updateUser(a!.id, { jobTitle: 'Chief Tester' });
    tenant.softDeleteUser(b!.id);
    tenant.hardDeleteUser(c!.id);
    const added = tenant.addUser({ givenName: 'New', surname: 'Person' });

    const second = await deltaRound(client, { deltaLink: first.deltaLink });
    expect(new Set(second.ids)).toEqual(new Set([a!.id, added.id]));
    expect(second.removed).toEqual(
      expect.arrayContaining([
        { id: b!.id, reason: 'changed' },
        { id: c!.id, reason: 'deleted' },
      ]),
    );
    expect(second.removed).toHaveLength(2);

    // The "from now" link taken before the changes sees exactly the same changes.
    const fromLatest = await deltaRound(client, { deltaLink: latest });
    expect(new Set(fromLatest.ids)).toEqual(new Set([a!.id, added.id]));

    tenant.restoreUser(b!.id);
    tenant.disableUser(d!.id);
    const third = await deltaRound(client, { deltaLink: second.deltaLink });
    expect(new Set(third.ids)).toEqual(new Set([b!.id, d!.id]));
    expect(third.removed).toEqual([]);

    const quiet = await deltaRound(client, { deltaLink: third.deltaLink });
    expect(quiet).toMatchObject({ ids: [], removed: [], pages: 1 });
  });

  it('expired delta state → ResyncRequiredError', async () => {
    const tenant = emu.createTenant();
    tenant.generate(20, 6);
    const client = emulatorClient(emu, tenant);
    const { deltaLink } = await deltaRound(client, { initial: true });
    tenant.expireDeltaTokens();
    await expect(deltaRound(client, { deltaLink })).rejects.toBeInstanceOf(ResyncRequiredError);
  });
});
