import type { Db } from '../db/schema.ts';
import { findIntegrationRow } from '../integrations/repository.ts';
import { decodeCursor, encodeCursor } from '../directory/cursor.ts';
import type { User, UserWithMemberships } from '../directory/types.ts';
import {
  unassignedUsersPages,
  withMemberships,
  type UserFilters,
} from '../directory/user-listing.ts';
import { mirrorRowsByIds } from './mirror/mirror-repo.ts';
import { loadConfig, type ReconcileConfig } from './reconcile/config.ts';
import { explain } from './reconcile/explain.ts';
import {
  notMirroredReason,
  PLATFORM_REASON,
  unassignedReason,
  type UnassignedReason,
} from './reconcile/unassigned-reason.ts';
import { parseStoredEntraUser } from './stored-entra-user.ts';

/*
 * The Unassigned tab grouped by cause (issue 13): the unassigned users are read a page at a
 * time, each explained from its mirror row, and counted per cause. Memory grows with the
 * number of causes (distinct Entra values), never with the directory.
 */

const PAGE = 1_000;
/** Most groups returned; the rest are summed in `otherUsers`. */
export const MAX_GROUPS = 300;

export interface UnassignedGroup extends UnassignedReason {
  users: number;
}

export interface UnassignedGroups {
  totalUsers: number;
  groups: UnassignedGroup[];
  /** Users in groups beyond {@link MAX_GROUPS}. */
  otherUsers: number;
}

/** Classifies pages of unassigned users, caching each integration's configuration. */
function classifier(db: Db) {
  const configs = new Map<string, Promise<ReconcileConfig | null>>();
  const configOf = (integrationId: string) => {
    let c = configs.get(integrationId);
    if (!c) {
      c = findIntegrationRow(db, integrationId).then((row) => (row ? loadConfig(db, row) : null));
      configs.set(integrationId, c);
    }
    return c;
  };
  return async (page: readonly User[]): Promise<UnassignedReason[]> => {
    const byIntegration = new Map<string, string[]>();
    for (const u of page) {
      if (!u.source) continue;
      const list = byIntegration.get(u.source.integrationId) ?? [];
      list.push(u.source.externalId);
      byIntegration.set(u.source.integrationId, list);
    }
    const rows = new Map<string, Awaited<ReturnType<typeof mirrorRowsByIds>>>();
    for (const [id, ext] of byIntegration) rows.set(id, await mirrorRowsByIds(db, id, ext));
    const out: UnassignedReason[] = [];
    for (const u of page) {
      if (!u.source) {
        out.push(PLATFORM_REASON);
        continue;
      }
      const { integrationId, externalId } = u.source;
      const config = await configOf(integrationId);
      const row = rows.get(integrationId)?.get(externalId);
      const entra = row ? parseStoredEntraUser(row.data) : null;
      if (!config || !row || !entra) {
        out.push(notMirroredReason(integrationId));
        continue;
      }
      const e = explain(integrationId, entra, row.removed, row.changedAt, config);
      out.push(unassignedReason(e, config));
    }
    return out;
  };
}

/**
 * The organisation's unassigned active users counted by cause, largest group first. The
 * list's filters (search, unit, user type, integration) apply as on the Unassigned tab, so
 * the groups add up to the tab's total.
 */
export async function unassignedGroups(
  db: Db,
  orgId: string,
  filters: UserFilters = {},
): Promise<UnassignedGroups> {
  const classify = classifier(db);
  const unassignedUsersPage = unassignedUsersPages(db, orgId, filters);
  const groups = new Map<string, UnassignedGroup>();
  let total = 0;
  let after = '';
  for (;;) {
    const page = await unassignedUsersPage(after, PAGE);
    const reasons = await classify(page);
    for (const r of reasons) {
      total++;
      const g = groups.get(r.key);
      if (g) g.users++;
      else groups.set(r.key, { ...r, users: 1 });
    }
    const last = page[page.length - 1];
    if (!last || page.length < PAGE) break;
    after = last.id;
  }
  const sorted = [...groups.values()].sort(
    (a, b) => b.users - a.users || a.label.localeCompare(b.label),
  );
  const shown = sorted.slice(0, MAX_GROUPS);
  const otherUsers = sorted.slice(MAX_GROUPS).reduce((n, g) => n + g.users, 0);
  return { totalUsers: total, groups: shown, otherUsers };
}

/**
 * One page of the users of one group. The unassigned users are scanned in id order from the
 * cursor until `limit` of them have this cause, so a page costs at most one pass.
 */
export async function unassignedGroupUsers(
  db: Db,
  orgId: string,
  key: string,
  opts: { cursor?: string | undefined; limit: number; filters?: UserFilters },
): Promise<{ items: UserWithMemberships[]; nextCursor: string | null }> {
  const classify = classifier(db);
  const unassignedUsersPage = unassignedUsersPages(db, orgId, opts.filters);
  let after = opts.cursor ? decodeCursor(opts.cursor) : '';
  const items: User[] = [];
  for (;;) {
    const page = await unassignedUsersPage(after, PAGE);
    const reasons = await classify(page);
    for (const [i, u] of page.entries()) {
      if (reasons[i]?.key !== key) continue;
      if (items.length === opts.limit) {
        const last = items[items.length - 1];
        return {
          items: await withMemberships(db, items),
          nextCursor: last ? encodeCursor(last.id) : null,
        };
      }
      items.push(u);
    }
    const last = page[page.length - 1];
    if (!last || page.length < PAGE)
      return { items: await withMemberships(db, items), nextCursor: null };
    after = last.id;
  }
}
