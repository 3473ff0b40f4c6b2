import type { Db } from '../../db/schema.ts';
import { LARGE_WRITE_ROWS, refreshStatistics } from '../../db/statistics.ts';
import { saveGroupScopeState } from '../../integrations/repository.ts';
import { ResyncRequiredError } from '../../graph/errors.ts';
import { GROUP_DELTA_FILTER_MAX } from '../../graph/groups.ts';
import type { GroupDeltaPage, GroupDeltaStart } from '../../graph/types.ts';
import { AppError } from '../../errors.ts';
import { parseStoredGroups, scopeKey } from '../../integrations/scope-groups.ts';
import type { IntegrationRow } from '../engine.ts';
import { markForReconcileIn } from '../mirror/mirror-repo.ts';
import { groupClosure } from './closure.ts';
import {
  applyMemberOps,
  clearScope,
  nestedGroupEdges,
  promoteRound,
  replaceScopeUsers,
  startRound,
  type MemberOp,
} from './group-members-repo.ts';

/** Reads membership rounds (the Graph client's group delta in production). */
export type GroupRounds = (start: GroupDeltaStart) => AsyncIterable<GroupDeltaPage>;

/** How many times one run may widen the tracked groups (nested groups found) and start again. */
const MAX_WIDENINGS = 5;

/**
 * The membership side of a run with group scope (issue 14). Group delta over the chosen
 * groups and the groups nested in them (api/group-delta.md: `$filter=id eq …`, `$select=members`;
 * concepts/delta-query-groups.md): the first round lists every direct member, later rounds only
 * changes, so an incremental run costs one request when no membership changed. Members that
 * entered or left the scope get their mirror row reconciled. When a newly nested group appears,
 * the tracked set grows and a new round starts from scratch over it (rare; a round costs about
 * members / page size requests).
 * Ends by recording which chosen groups the memberships describe (`scope_loaded`).
 */
export async function refreshGroupScope(
  db: Db,
  integration: IntegrationRow,
  rounds: GroupRounds,
): Promise<void> {
  const id = integration.id;
  if (integration.scope_mode !== 'groups') {
    if (integration.scope_loaded !== null || integration.group_delta_link !== null) {
      await clearScope(db, id);
      await saveGroupScopeState(db, id, { loaded: null, link: null, tracked: null });
    }
    return;
  }
  const chosen = parseStoredGroups(integration.scope_groups).map((g) => g.id.toLowerCase());
  const key = scopeKey(chosen.map((g) => ({ id: g })));
  const loaded = integration.scope_loaded === key;
  let link = loaded ? integration.group_delta_link : null;
  let tracked: string[] =
    link !== null ? parseIds(integration.group_delta_groups) : [...chosen].sort();
  for (let widen = 0; ; widen++) {
    if (tracked.length > GROUP_DELTA_FILTER_MAX) {
      throw new AppError(
        422,
        'scope_too_wide',
        `The scope groups and the groups nested in them are ${tracked.length}: at most ${GROUP_DELTA_FILTER_MAX} can be followed. Choose fewer groups.`,
      );
    }
    let round: { deltaLink: string | null; changes: number };
    let fromScratch = link === null;
    try {
      const start = link !== null ? { deltaLink: link } : { groupIds: tracked };
      round = await applyRound(db, id, rounds(start), fromScratch);
    } catch (err) {
      // Expired membership state (410, syncStateNotFound): read the groups again from scratch.
      if (!(err instanceof ResyncRequiredError) || link === null) throw err;
      fromScratch = true;
      round = await applyRound(db, id, rounds({ groupIds: tracked }), true);
    }
    link = round.deltaLink;
    if (!fromScratch && round.changes === 0 && loaded) {
      // Nothing changed since the last round: same closure, same users, only a new link.
      await saveGroupScopeState(db, id, { loaded: key, link, tracked });
      return;
    }
    const closure = groupClosure(chosen, await nestedGroupEdges(db, id));
    const missing = closure.filter((g) => !tracked.includes(g));
    if (missing.length === 0 || widen >= MAX_WIDENINGS) {
      // Replacing the scope joins members and scope users both ways. PostgreSQL planned it as
      // nested loops over tables it had no statistics for: after a first round of 90,000
      // members, the next run's 100 membership changes took 12 minutes instead of 0.3 s.
      const large = round.changes >= LARGE_WRITE_ROWS;
      if (large) await refreshStatistics(db, ['entra_group_members', 'entra_scope_users'], 'quick');
      await replaceScopeUsers(db, id, closure, (trx, ids) => markForReconcileIn(trx, id, ids));
      if (large) await refreshStatistics(db, ['entra_scope_users'], 'quick');
      await saveGroupScopeState(db, id, { loaded: key, link, tracked });
      return;
    }
    // A nested group we do not follow yet: follow it too, from scratch.
    tracked = [...new Set([...tracked, ...missing])].sort();
    link = null;
  }
}

/**
 * Applies one round; returns its delta link and how many member changes it carried. Every page
 * is written when it arrives, in its own transaction, so memory holds one page whatever the
 * groups' size. A round from scratch is staged (`entra_group_members_round`) and replaces the
 * stored memberships in one transaction at its end, so a round that fails halfway leaves the
 * previous memberships (and delta link) in place; later rounds apply their changes to the
 * memberships in force page by page, in order (a member removed and added again ends added),
 * and replays change nothing.
 */
async function applyRound(
  db: Db,
  integrationId: string,
  pages: AsyncIterable<GroupDeltaPage>,
  fromScratch: boolean,
): Promise<{ deltaLink: string | null; changes: number }> {
  let deltaLink: string | null = null;
  let changes = 0;
  const target = fromScratch ? 'round' : 'current';
  if (fromScratch) await startRound(db, integrationId);
  for await (const page of pages) {
    const ops: MemberOp[] = [];
    for (const g of page.groups) {
      const groupId = g.id.toLowerCase();
      if (g.removed) {
        ops.push({ remove: { groupId, memberId: null } });
        continue;
      }
      for (const m of g.members) {
        if (m.type === 'other') continue;
        const memberId = m.id.toLowerCase();
        if (m.removed) ops.push({ remove: { groupId, memberId } });
        else ops.push({ add: { groupId, memberId, type: m.type } });
      }
    }
    changes += ops.length;
    await db.transaction().execute((trx) => applyMemberOps(trx, integrationId, ops, target));
    if (page.deltaLink) deltaLink = page.deltaLink;
  }
  if (fromScratch) await promoteRound(db, integrationId);
  return { deltaLink, changes };
}

function parseIds(json: string | null): string[] {
  try {
    const v: unknown = JSON.parse(json ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
