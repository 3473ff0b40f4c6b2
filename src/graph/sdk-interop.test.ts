import {
  AuthenticationHandler,
  Client,
  PageIterator,
  type Context,
  type Middleware,
  type PageCollection,
} from '@microsoft/microsoft-graph-client';
import { Agent, fetch as undiciFetch, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { USER_SELECT } from './users.ts';
import { deltaRound, emulatorClient, listIds } from './testing/emulator-client.ts';

/**
 * The interoperability check: Microsoft's own Graph SDK pages through the
 * emulator's /users and /users/delta and sees exactly the users our client sees.
 */
let emu: Emulator;
let agent: Agent;
let sdk: Client;

beforeAll(async () => {
  emu = await startEmulator({ users: 1500, seed: 41, deltaPageSize: 250 });
  agent = new Agent({ connect: { ca: emu.caCertPem } });
  const token = await fetchToken();
  // The SDK's last middleware sends the request; this one does it with undici trusting the
  // emulator's CA instead of the global fetch.
  const send: Middleware = {
    execute: async (context: Context) => {
      const url = typeof context.request === 'string' ? context.request : context.request.url;
      const res = await undiciFetch(url, {
        method: context.options?.method ?? 'GET',
        headers: headersOf(context.options?.headers),
        dispatcher: agent,
      });
      context.response = res as unknown as Response;
    },
  };
  sdk = Client.initWithMiddleware({
    middleware: [new AuthenticationHandler({ getAccessToken: async () => token }), send],
    baseUrl: emu.origin,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(emu.origin).hostname]),
  });
});
afterAll(async () => {
  await agent.close();
  await emu.close();
});

async function fetchToken(): Promise<string> {
  const app = emu.tenant.defaultApp;
  const res = await request(`${emu.origin}/${emu.tenant.id}/oauth2/v2.0/token`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.secret,
      scope: `${emu.origin}/.default`,
    }).toString(),
  });
  const body: unknown = await res.body.json();
  if (
    typeof body !== 'object' ||
    body === null ||
    !('access_token' in body) ||
    typeof body.access_token !== 'string'
  ) {
    throw new Error(`no token: ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

function headersOf(h: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(h).forEach((value, name) => (out[name] = value));
  return out;
}

async function sdkIds(path: string): Promise<{ ids: string[]; deltaLink: string | undefined }> {
  const ids: string[] = [];
  const first = (await sdk.api(path).select(USER_SELECT).get()) as PageCollection;
  const iterator = new PageIterator(sdk, first, (item: unknown) => {
    if (typeof item === 'object' && item !== null && 'id' in item && typeof item.id === 'string')
      ids.push(item.id);
    return true;
  });
  await iterator.iterate();
  return { ids, deltaLink: iterator.getDeltaLink() };
}

describe('interoperability with @microsoft/microsoft-graph-client', () => {
  it('PageIterator over /users sees the same users as our client', async () => {
    const theirs = await sdkIds('/users?$top=999');
    const ours = await listIds(emulatorClient(emu));
    expect(theirs.ids).toHaveLength(1500);
    expect([...theirs.ids].sort()).toEqual([...ours.ids].sort());
  });

  it('PageIterator over /users/delta sees the same users and ends with a deltaLink', async () => {
    const theirs = await sdkIds('/users/delta');
    const ours = await deltaRound(emulatorClient(emu), { initial: true });
    expect(theirs.deltaLink).toMatch(/\/v1\.0\/users\/delta\?/);
    expect([...new Set(theirs.ids)].sort()).toEqual([...new Set(ours.ids)].sort());
    expect(new Set(theirs.ids).size).toBe(1500);
  });

  it('PageIterator reads the transitive user members of a nested group, as our count says', async () => {
    const t = emu.tenant;
    const outer = t.addGroup('Interop outer');
    const inner = t.addGroup('Interop inner');
    const users = [...t.users()].slice(0, 1200).map((u) => u.id);
    for (const id of users.slice(0, 700)) t.addGroupMember(outer.id, id);
    for (const id of users.slice(600)) t.addGroupMember(inner.id, id);
    t.addGroupMember(outer.id, inner.id);
    const ids: string[] = [];
    const first = (await sdk
      .api(`/groups/${outer.id}/transitiveMembers/microsoft.graph.user`)
      .select('id')
      .top(500)
      .get()) as PageCollection;
    await new PageIterator(sdk, first, (item: unknown) => {
      if (typeof item === 'object' && item !== null && 'id' in item && typeof item.id === 'string')
        ids.push(item.id);
      return true;
    }).iterate();
    expect(ids.sort()).toEqual([...users].sort());
    expect(await emulatorClient(emu).groupUserCount(outer.id)).toBe(1200);
  });

  it('PageIterator follows a group delta round (members@delta over several pages) to its deltaLink', async () => {
    const group = emu.tenant.addGroup('Interop delta');
    const users = [...emu.tenant.users()].slice(0, 600).map((u) => u.id);
    for (const id of users) emu.tenant.addGroupMember(group.id, id);
    const members: string[] = [];
    const first = (await sdk
      .api('/groups/delta')
      .filter(`id eq '${group.id}'`)
      .select('id,members')
      .get()) as PageCollection;
    const iterator = new PageIterator(sdk, first, (item: unknown) => {
      const list =
        typeof item === 'object' && item !== null && 'members@delta' in item
          ? item['members@delta']
          : [];
      for (const m of Array.isArray(list) ? list : []) {
        if (typeof m === 'object' && m !== null && 'id' in m && typeof m.id === 'string')
          members.push(m.id);
      }
      return true;
    });
    await iterator.iterate();
    expect(iterator.getDeltaLink()).toMatch(/\/v1\.0\/groups\/delta\?/);
    expect(members.sort()).toEqual([...users].sort());
  });
});
