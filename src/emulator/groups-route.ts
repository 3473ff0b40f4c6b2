import { sendJson, type Exchange } from './exchange.ts';
import { authenticate } from './graph-auth.ts';
import type { MemberType } from './group-store.ts';
import { graphLink } from './links.ts';
import { parseSelect, parseTop, project, QueryError } from './odata-query.ts';
import { DELTA_TOKEN_LIFETIME_MS, type EmulatorState } from './state.ts';
import type { Tenant } from './tenant.ts';
import { answerQueryError, checkOptions } from './users-route.ts';

/*
 * Group endpoints the sync uses (all need GroupMember.Read.All):
 * - GET /groups?$filter=startswith(displayName,'x')&$select=id,displayName  (api/group-list.md)
 * - GET /groups/{id}/transitiveMembers/microsoft.graph.user[/$count]  (api/group-list-transitivemembers.md)
 * - GET /groups/delta?$filter=id eq 'a' or id eq 'b'&$select=members  (api/group-delta.md,
 *   concepts/delta-query-groups.md): `members@delta` lists direct members (users and nested
 *   groups), removed ones with `@removed`; one group may span several pages.
 */

const STARTSWITH = /^startswith\(\s*displayName\s*,\s*'((?:[^']|'')*)'\s*\)$/i;
const ID_EQ = /^id\s+eq\s+'([^']+)'$/i;

function groupsOf(ex: Exchange, state: EmulatorState): Tenant | undefined {
  return authenticate(ex, state, 'groups');
}

/** `GET /v1.0/groups`: by display name prefix, `$select` of id and displayName, `$top`. */
export function handleGroups(ex: Exchange, state: EmulatorState): void {
  const tenant = groupsOf(ex, state);
  if (!tenant) return;
  try {
    checkOptions(ex.url, new Set(['$select', '$top', '$filter']));
    const top = parseTop(ex.url.searchParams.get('$top'));
    const raw = ex.url.searchParams.get('$filter');
    let prefix = '';
    if (raw !== null) {
      const m = STARTSWITH.exec(raw.trim());
      if (!m) throw new QueryError('Request_UnsupportedQuery', 'Unsupported Query.');
      prefix = (m[1] as string).replace(/''/g, "'").toLowerCase();
    }
    const value = [...tenant.groups.groups.values()]
      .filter((g) => g.displayName.toLowerCase().startsWith(prefix))
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .slice(0, top)
      .map((g) => ({ id: g.id, displayName: g.displayName }));
    sendJson(ex, 200, { '@odata.context': `${state.origin}/v1.0/$metadata#groups`, value });
  } catch (err) {
    answerQueryError(ex, err);
  }
}

interface MembersCursor {
  t: string;
  g: string;
  o: number;
  s: string[];
  top: number;
}

/** `GET /v1.0/groups/{id}/transitiveMembers/microsoft.graph.user` (and `/$count`). */
export function handleTransitiveUsers(
  ex: Exchange,
  state: EmulatorState,
  groupId: string,
  count: boolean,
): void {
  const tenant = groupsOf(ex, state);
  if (!tenant) return;
  try {
    if (!tenant.groups.groups.has(groupId)) {
      return sendGraphNotFound(ex, groupId);
    }
    const ids = tenant.groups.transitiveUsers(groupId, (id) => tenant.getUser(id) !== undefined);
    if (count) {
      // $count needs the advanced-query header (api/group-list-transitivemembers.md).
      if (ex.req.headers['consistencylevel']?.toString().toLowerCase() !== 'eventual') {
        throw new QueryError(
          'Request_BadRequest',
          '$count is not currently supported without the ConsistencyLevel:eventual header.',
        );
      }
      ex.res.writeHead(200, { 'content-type': 'text/plain' });
      ex.res.end(String(ids.length));
      return;
    }
    checkOptions(ex.url, new Set(['$select', '$top', '$skiptoken']));
    let cursor: MembersCursor;
    const skip = ex.url.searchParams.get('$skiptoken');
    if (skip !== null) {
      const opened = state.signer.open(skip) as MembersCursor | undefined;
      if (!opened || opened.t !== tenant.id || opened.g !== groupId) {
        throw new QueryError('BadRequest', 'Invalid skip token.');
      }
      cursor = opened;
    } else {
      cursor = {
        t: tenant.id,
        g: groupId,
        o: 0,
        s: [...parseSelect(ex.url.searchParams.get('$select'))],
        top: parseTop(ex.url.searchParams.get('$top')),
      };
    }
    const slice = ids.slice(cursor.o, cursor.o + cursor.top);
    const value = slice.flatMap((id) => {
      const user = tenant.getUser(id);
      return user ? [{ '@odata.type': '#microsoft.graph.user', ...project(user, cursor.s) }] : [];
    });
    const body: Record<string, unknown> = {
      '@odata.context': `${state.origin}/v1.0/$metadata#users(${cursor.s.join(',')})`,
    };
    if (cursor.o + cursor.top < ids.length) {
      const next = { ...cursor, o: cursor.o + cursor.top };
      body['@odata.nextLink'] = graphLink(
        `${state.origin}/v1.0/groups/${groupId}/transitiveMembers/microsoft.graph.user`,
        [['$skiptoken', state.signer.seal(next)]],
      );
    }
    body.value = value;
    sendJson(ex, 200, body);
  } catch (err) {
    answerQueryError(ex, err);
  }
}

function sendGraphNotFound(ex: Exchange, id: string): void {
  sendJson(ex, 404, {
    error: {
      code: 'Request_ResourceNotFound',
      message: `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    },
  });
}

/** A group delta position: full (offset into the current member list) or since a change. */
interface GroupCursor {
  t: string;
  /** Tenant delta generation: expireDeltaTokens makes older links answer 410. */
  gen: number;
  i: number;
  /** Filtered group ids; empty = every group. */
  f: string[];
  k: 'full' | 'since';
  /** Change seq the round starts after (`since`). */
  p: number;
  /** Offset of the next page within the round's entries. */
  o: number;
  /** When the round's first page was served: identifies the round's snapshot. */
  i0?: number;
  /** Upper bound (change seq) of this round; -1 on a deltaLink (the next round's "now"). */
  to: number;
}

interface MemberEntry {
  groupId: string;
  memberId: string | null;
  type: MemberType;
  removed: boolean;
}

/** `GET /v1.0/groups/delta` with `$filter=id eq …` (up to 50) and `$select` including members. */
export function handleGroupDelta(ex: Exchange, state: EmulatorState): void {
  const tenant = groupsOf(ex, state);
  if (!tenant) return;
  const params = ex.url.searchParams;
  try {
    checkOptions(ex.url, new Set(['$select', '$filter', '$deltatoken', '$skiptoken', '$expand']));
    const token = params.get('$skiptoken') ?? params.get('$deltatoken');
    let cursor: GroupCursor;
    if (token !== null) {
      const opened = state.signer.open(token) as GroupCursor | undefined;
      if (!opened || opened.t !== tenant.id || !Array.isArray(opened.f)) {
        throw new QueryError('BadRequest', 'Invalid or malformed delta token.');
      }
      if (opened.gen !== tenant.deltaGeneration || ex.now - opened.i > DELTA_TOKEN_LIFETIME_MS) {
        sendJson(ex, 410, {
          error: { code: 'syncStateNotFound', message: 'The sync state is no longer valid.' },
        });
        return;
      }
      cursor = opened.to < 0 ? { ...opened, to: tenant.groups.seq, i0: ex.now } : opened;
    } else {
      const select = (params.get('$select') ?? '').toLowerCase();
      if (!select.split(',').includes('members') && params.get('$expand') !== 'members') {
        throw new QueryError('BadRequest', 'The emulator tracks memberships only: select members.');
      }
      cursor = {
        t: tenant.id,
        gen: tenant.deltaGeneration,
        i: ex.now,
        f: parseIdFilter(params.get('$filter')),
        k: 'full',
        p: 0,
        o: 0,
        to: tenant.groups.seq,
        i0: ex.now,
      };
    }
    const all = entries(tenant, cursor);
    const size = state.deltaPageSize;
    const chunk = all.slice(cursor.o, cursor.o + size);
    const body: Record<string, unknown> = {
      '@odata.context': `${state.origin}/v1.0/$metadata#groups(members)`,
    };
    const base = `${state.origin}/v1.0/groups/delta`;
    if (cursor.o + size < all.length) {
      const next = { ...cursor, o: cursor.o + size, i: ex.now };
      body['@odata.nextLink'] = graphLink(base, [['$skiptoken', state.signer.seal(next)]]);
    } else {
      const after: GroupCursor = { ...cursor, i: ex.now, k: 'since', p: cursor.to, o: 0, to: -1 };
      body['@odata.deltaLink'] = graphLink(base, [['$deltatoken', state.signer.seal(after)]]);
    }
    body.value = groupObjects(tenant, chunk);
    sendJson(ex, 200, body);
  } catch (err) {
    answerQueryError(ex, err);
  }
}

function parseIdFilter(raw: string | null): string[] {
  if (raw === null || raw.trim() === '') return [];
  const ids = raw
    .trim()
    .split(/\s+or\s+/i)
    .map((clause) => {
      const m = ID_EQ.exec(clause.trim());
      if (!m) throw new QueryError('Request_UnsupportedQuery', 'Unsupported Query.');
      return m[1] as string;
    });
  // api/group-delta.md: at most 50 ids in one filter.
  if (ids.length > 50) throw new QueryError('Request_BadRequest', 'Too many ids in the filter.');
  return ids;
}

/**
 * Rounds in progress: the entries a round's first page computed, so later pages are offsets
 * into the same snapshot (a change made meanwhile comes in the next round, as with Graph) and
 * a page costs O(page) rather than O(members). A few rounds are kept; an evicted one is
 * recomputed from the current state.
 */
const rounds = new Map<string, MemberEntry[]>();
const ROUNDS_KEPT = 8;

function entries(tenant: Tenant, c: GroupCursor): MemberEntry[] {
  const key = `${tenant.id}|${c.gen}|${c.i0 ?? c.i}|${c.k}|${c.p}|${c.to}|${c.f.join(',')}`;
  const cached = rounds.get(key);
  if (cached) return cached;
  const list = computeEntries(tenant, c);
  rounds.set(key, list);
  if (rounds.size > ROUNDS_KEPT) rounds.delete(rounds.keys().next().value as string);
  return list;
}

/** The member entries of the round, in a stable order, so pages can be offsets into it. */
function computeEntries(tenant: Tenant, c: GroupCursor): MemberEntry[] {
  const wanted = (id: string) => c.f.length === 0 || c.f.includes(id);
  if (c.k === 'since') {
    return tenant.groups.log
      .slice(c.p, c.to)
      .filter((ch) => wanted(ch.groupId) && tenant.groups.groups.has(ch.groupId))
      .map((ch) => ({
        groupId: ch.groupId,
        memberId: ch.memberId,
        type: ch.type,
        removed: ch.removed,
      }));
  }
  const out: MemberEntry[] = [];
  const ids = c.f.length ? c.f : [...tenant.groups.groups.keys()];
  for (const id of ids) {
    const group = tenant.groups.groups.get(id);
    if (!group) continue;
    const members = [...group.members].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // A group without members still appears, without members@delta (delta-query-groups.md).
    if (!members.length) out.push({ groupId: id, memberId: null, type: 'user', removed: false });
    for (const [memberId, type] of members) {
      out.push({ groupId: id, memberId, type, removed: false });
    }
  }
  return out;
}

function groupObjects(tenant: Tenant, chunk: readonly MemberEntry[]): unknown[] {
  const out: { id: string; displayName: string; 'members@delta'?: unknown[] }[] = [];
  for (const e of chunk) {
    let last = out[out.length - 1];
    if (!last || last.id !== e.groupId) {
      last = { id: e.groupId, displayName: tenant.groups.groups.get(e.groupId)?.displayName ?? '' };
      out.push(last);
    }
    if (e.memberId === null) continue;
    const member: Record<string, unknown> = {
      '@odata.type': `#microsoft.graph.${e.type}`,
      id: e.memberId,
    };
    if (e.removed) member['@removed'] = { reason: 'deleted' };
    (last['members@delta'] ??= []).push(member);
  }
  return out;
}
