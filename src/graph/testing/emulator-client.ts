import type { Emulator, EmulatedAppCredentials, EmulatedTenant } from '../../emulator/index.ts';
import { createGraphClient, type GraphClientOptions } from '../client.ts';
import type { GraphClient, GraphEvent } from '../types.ts';

/** Test helper: a Graph client pointed at an emulator tenant over HTTPS, trusting its CA. */
export function emulatorClient(
  emu: Emulator,
  tenant: EmulatedTenant = emu.tenant,
  app: EmulatedAppCredentials = tenant.defaultApp,
  extra: Partial<GraphClientOptions> = {},
): GraphClient {
  return createGraphClient({
    cloud: 'global',
    tenantId: tenant.id,
    applicationId: app.clientId,
    secret: app.secret,
    authorityHost: emu.origin,
    graphEndpoint: emu.origin,
    extraCaPem: [emu.caCertPem],
    // Small backoff so fault tests take milliseconds; Retry-After is still honoured.
    retryPolicy: { baseDelayMs: 10, maxDelayMs: 100 },
    ...extra,
  });
}

/** Collects every user id and page count of a listing. */
export async function listIds(
  client: GraphClient,
  prefetch = false,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  for await (const page of client.listUsers({ prefetch })) {
    pages++;
    ids.push(...page.users.map((u) => u.id));
  }
  return { ids, pages };
}

/** Runs a delta round, gathering users, removals and the final deltaLink. */
export async function deltaRound(
  client: GraphClient,
  start: { initial: true } | { deltaLink: string },
  prefetch = false,
): Promise<{
  ids: string[];
  removed: { id: string; reason: string }[];
  deltaLink: string;
  pages: number;
}> {
  const ids: string[] = [];
  const removed: { id: string; reason: string }[] = [];
  let deltaLink: string | null = null;
  let pages = 0;
  for await (const page of client.deltaUsers(start, { prefetch })) {
    pages++;
    ids.push(...page.users.map((u) => u.id));
    removed.push(...page.removed);
    if (page.deltaLink) deltaLink = page.deltaLink;
  }
  if (deltaLink === null) throw new Error('delta round ended without a deltaLink');
  return { ids, removed, deltaLink, pages };
}

/** Token endpoint requests the emulator has seen. */
export function tokenRequests(emu: Emulator): number {
  return emu.requestLog.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length;
}

/** An event sink for assertions. */
export function eventSink(): { events: GraphEvent[]; onEvent: (e: GraphEvent) => void } {
  const events: GraphEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

/** The sorted ids of the tenant, for comparing with what a client read. */
export function tenantIds(tenant: EmulatedTenant): string[] {
  return [...tenant.users()].map((u) => u.id).sort();
}
