import { GraphError } from './errors.ts';
import { isRecord } from './graph-error-body.ts';
import type { GraphGet, GraphJson } from './graph-request.ts';
import { pages } from './paging.ts';
import { parseEnvelope } from './parse-users.ts';
import type { GraphGroup, GroupDeltaPage, GroupDeltaStart, GroupMemberChange } from './types.ts';

/*
 * Group reads of the scope (issue 14). All need GroupMember.Read.All.
 * - Find groups by name: GET /groups?$filter=startswith(displayName,'x') (api/group-list.md).
 * - Member count: GET /groups/{id}/transitiveMembers/microsoft.graph.user/$count with
 *   ConsistencyLevel: eventual (api/group-list-transitivemembers.md, "advanced query").
 * - Memberships: GET /groups/delta?$filter=id eq '…' or …&$select=members — direct members
 *   (users and nested groups) in `members@delta`, later only changes, removed ones with
 *   `@removed` (api/group-delta.md, concepts/delta-query-groups.md). One group may come on
 *   several pages, each with part of its members: the caller merges them.
 */

/** What an administrator must do when group reads answer 403. */
export const GROUP_PERMISSION_MESSAGE =
  'GroupMember.Read.All is missing or admin consent was not granted: in Entra ID, add the application permission GroupMember.Read.All to the app (API permissions → Microsoft Graph) and grant admin consent. Scope by groups needs it.';

/** A 403 from a group endpoint names the group permission, not User.Read.All. */
export function groupPermissionError(err: unknown): unknown {
  if (err instanceof GraphError && err.httpStatus === 403) {
    return new GraphError('permission_missing', GROUP_PERMISSION_MESSAGE, {
      httpStatus: 403,
      requestId: err.requestId,
    });
  }
  return err;
}

async function guarded<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw groupPermissionError(err);
  }
}

/** At most this many ids in one `$filter` of group delta (api/group-delta.md). */
export const GROUP_DELTA_FILTER_MAX = 50;

function envelopeOf(res: GraphJson) {
  const env = parseEnvelope(res.json);
  if (!env) {
    throw new GraphError('graph_error', 'Microsoft Graph returned a malformed page of groups', {
      requestId: res.requestId,
    });
  }
  return env;
}

/** OData string literal: a quote is doubled. */
function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Groups whose display name starts with `prefix` (at most 20, for a picker). */
export async function searchGroups(get: GraphGet, prefix: string): Promise<GraphGroup[]> {
  const filter = encodeURIComponent(`startswith(displayName,${literal(prefix)})`);
  const res = await guarded(() =>
    get(`/v1.0/groups?$filter=${filter}&$select=id,displayName&$top=20`),
  );
  return envelopeOf(res).value.flatMap((g) =>
    isRecord(g) && typeof g.id === 'string' && typeof g.displayName === 'string'
      ? [{ id: g.id, displayName: g.displayName }]
      : [],
  );
}

/** How many users are members of the group, through nested groups too. */
export async function groupUserCount(get: GraphGet, groupId: string): Promise<number> {
  const res = await guarded(() =>
    get(
      `/v1.0/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user/$count`,
      { headers: { ConsistencyLevel: 'eventual' } },
    ),
  );
  if (typeof res.json !== 'number' || !Number.isInteger(res.json)) {
    throw new GraphError('graph_error', 'Microsoft Graph returned a malformed member count', {
      requestId: res.requestId,
    });
  }
  return res.json;
}

/** The first URL of a membership round over these groups. */
export function groupDeltaPath(groupIds: readonly string[]): string {
  if (groupIds.length === 0 || groupIds.length > GROUP_DELTA_FILTER_MAX) {
    throw new Error(`group delta needs 1–${GROUP_DELTA_FILTER_MAX} group ids`);
  }
  const filter = groupIds.map((id) => `id eq ${literal(id)}`).join(' or ');
  return `/v1.0/groups/delta?$filter=${encodeURIComponent(filter)}&$select=id,members`;
}

/** One membership delta round, from scratch over `groupIds` or from a stored deltaLink. */
export async function* groupMembersDelta(
  get: GraphGet,
  start: GroupDeltaStart,
): AsyncGenerator<GroupDeltaPage> {
  const first = 'deltaLink' in start ? start.deltaLink : groupDeltaPath(start.groupIds);
  try {
    yield* pages(get, first, { parse: (res) => toGroupDeltaPage(res) });
  } catch (err) {
    throw groupPermissionError(err);
  }
}

function toGroupDeltaPage(res: GraphJson): GroupDeltaPage {
  const env = envelopeOf(res);
  const groups: GroupDeltaPage['groups'] = [];
  for (const raw of env.value) {
    if (!isRecord(raw) || typeof raw.id !== 'string') continue;
    const members: GroupMemberChange[] = [];
    const list = raw['members@delta'];
    for (const m of Array.isArray(list) ? list : []) {
      if (!isRecord(m) || typeof m.id !== 'string') continue;
      const type = m['@odata.type'];
      members.push({
        id: m.id,
        type:
          type === '#microsoft.graph.user'
            ? 'user'
            : type === '#microsoft.graph.group'
              ? 'group'
              : 'other',
        removed: m['@removed'] !== undefined,
      });
    }
    groups.push({ id: raw.id, removed: raw['@removed'] !== undefined, members });
  }
  return { groups, nextLink: env.nextLink, deltaLink: env.deltaLink };
}
