import { sql } from 'kysely';
import type { SelectQueryBuilder } from 'kysely';
import type { Database, Db, UserStatus } from '../db/schema.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { normaliseEmail } from './email.ts';
import { foldText } from './search-key.ts';
import type { DialectKind } from '../db/connect.ts';
import { dialectOf } from '../db/dialect-of.ts';
import { loadMemberships } from './memberships.ts';
import type { User, UserWithMemberships } from './types.ts';
import { toUser } from './users.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface UserListQuery {
  status?: UserStatus | undefined;
  /** `unassigned`: active users without a membership carrying a user type. */
  assignment?: 'unassigned' | undefined;
  /** Exact match, case-insensitive. */
  email?: string | undefined;
  /** Prefix of the first name, last name or email, case-insensitive. */
  q?: string | undefined;
  /** Substring of "first last email", case- and accent-insensitive (`users.search_key`). */
  search?: string | undefined;
  /** Users with a membership (managed or manual) in this unit. */
  unitId?: string | undefined;
  /** Users with a membership carrying this user type. */
  userTypeId?: string | undefined;
  /** Users linked to this integration. */
  integrationId?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface UserPage {
  items: UserWithMemberships[];
  nextCursor: string | null;
}

type Branch = { status: UserStatus; assigned: 0 | 1 };

/**
 * The (status, assigned) partitions of the `users_listing` index that the filters allow.
 * Pure: decides which index ranges the listing reads.
 */
export function listingBranches(query: Pick<UserListQuery, 'status' | 'assignment'>): Branch[] {
  const statuses: UserStatus[] =
    query.assignment === 'unassigned'
      ? query.status === 'deactivated'
        ? []
        : ['active']
      : query.status
        ? [query.status]
        : ['active', 'deactivated'];
  const assigned: Array<0 | 1> = query.assignment === 'unassigned' ? [0] : [0, 1];
  return statuses.flatMap((status) => assigned.map((a) => ({ status, assigned: a })));
}

/** Escapes LIKE wildcards so a search for "a_b" means that text, not a pattern. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function likePrefix(text: string): string {
  return likeEscape(text) + '%';
}

/**
 * How the list applies a search: not at all, by a `like` over `search_key` (PostgreSQL, where
 * a pg_trgm index serves it, or many hits), or by the rowids the SQLite trigram index found.
 */
export type SearchStrategy =
  | { kind: 'none' }
  | { kind: 'like'; pattern: string }
  | { kind: 'rows'; rowids: number[] }
  /** SQLite, many hits, counting: the trigram index's rowids as a set, no text compared. */
  | { kind: 'fts'; pattern: string }
  /** Many hits (or no usable index), listing: a substring test while scanning in id order. */
  | { kind: 'scan'; term: string };

/** More hits than this and the id-ordered scan finds a page sooner than rowid lookups. */
const ROWID_LOOKUP_MAX = 2_000;

function likeSearch(query: UserListQuery): SearchStrategy {
  const term = query.search !== undefined ? foldText(query.search) : '';
  return term ? { kind: 'like', pattern: `%${likeEscape(term)}%` } : { kind: 'none' };
}

/**
 * Picks the search strategy. On SQLite the FTS5 trigram table answers first (terms of 3+
 * characters): a rare term becomes a short rowid list, so finding nobody in a million users
 * costs an index probe instead of a scan; a frequent term keeps the scan, which fills a page
 * after a few rows.
 */
async function searchStrategy(
  db: Db,
  query: UserListQuery,
  counting = false,
): Promise<SearchStrategy> {
  const like = likeSearch(query);
  if (like.kind !== 'like') return like;
  const term = foldText(query.search ?? '');
  if (dialectOf(db) === 'postgres') {
    if (counting) return like;
    // Probe the trigram index (if any) for how many rows hold the term.
    const hits = await sql<{
      n: number;
    }>`select count(*) as n from (select 1 from users where search_key like ${like.pattern} escape '\\' limit ${ROWID_LOOKUP_MAX + 1}) x`.execute(
      db,
    );
    return Number(hits.rows[0]?.n ?? 0) > ROWID_LOOKUP_MAX ? { kind: 'scan', term } : like;
  }
  // The trigram index needs 3+ characters and a pattern without ESCAPE (SQLite scans the
  // whole table for `like … escape`), so a term holding a wildcard character keeps the scan.
  if (Array.from(term).length < 3 || /[\\%_]/.test(term)) return { kind: 'scan', term };
  const rows = await sql<{
    rowid: number;
  }>`select rowid from users_search where search_key like ${`%${term}%`} limit ${ROWID_LOOKUP_MAX + 1}`.execute(
    db,
  );
  if (rows.rows.length > ROWID_LOOKUP_MAX) {
    return counting ? { kind: 'fts', pattern: `%${term}%` } : { kind: 'scan', term };
  }
  return { kind: 'rows', rowids: rows.rows.map((r) => r.rowid) };
}

/**
 * The filters of the users list other than status and assignment (which pick index ranges):
 * email, prefix search, accent-insensitive search, integration, unit and user type.
 */
function filtered<O>(
  sel: SelectQueryBuilder<Database, 'users', O>,
  query: UserListQuery,
  search: SearchStrategy = { kind: 'none' },
  dialect: DialectKind = 'sqlite',
): SelectQueryBuilder<Database, 'users', O> {
  // PostgreSQL turns EXISTS into a semi-join over every membership of the unit and sorts;
  // OFFSET 0 keeps it a per-row probe of the (user_id, unit_id) index, so a page reads a page
  // of users in id order and stops (SQLite probes per row anyway, and has no bare OFFSET).
  const probe = <T extends { offset(n: number): T }>(q: T): T =>
    dialect === 'postgres' ? q.offset(0) : q;
  const email = query.email !== undefined ? normaliseEmail(query.email) : undefined;
  const q = query.q?.trim().toLowerCase();
  if (email !== undefined) sel = sel.where('email', '=', email);
  if (search.kind === 'rows') {
    // The few rows the trigram index found: looked up by rowid, nothing scanned.
    if (search.rowids.length === 0) return sel.where(sql<boolean>`1 = 0`);
    sel = sel.where(sql<boolean>`users.rowid in (${sql.join(search.rowids)})`);
  } else if (search.kind === 'fts') {
    sel = sel.where(
      sql<boolean>`users.rowid in (select rowid from users_search where search_key like ${search.pattern})`,
    );
  } else if (search.kind === 'like') {
    sel = sel.where(sql<boolean>`search_key like ${search.pattern} escape '\\'`);
  } else if (search.kind === 'scan') {
    // Many hits: the id-ordered scan fills a page after a few rows. A plain substring test
    // (no pattern, so no escaping) is cheaper than LIKE and no index can be used for it, so
    // PostgreSQL does not read every hit through the trigram index and sort them.
    sel = sel.where(
      dialect === 'postgres'
        ? sql<boolean>`strpos(search_key, ${search.term}) > 0`
        : sql<boolean>`instr(search_key, ${search.term}) > 0`,
    );
  }
  if (query.integrationId !== undefined) {
    sel = sel.where('source_integration_id', '=', query.integrationId);
  }
  if (query.unitId !== undefined) {
    const unitId = query.unitId;
    sel = sel.where(({ exists, selectFrom }) =>
      exists(
        probe(
          selectFrom('memberships as m')
            .select('m.id')
            .whereRef('m.user_id', '=', 'users.id')
            .where('m.unit_id', '=', unitId),
        ),
      ),
    );
  }
  if (query.userTypeId !== undefined) {
    const typeId = query.userTypeId;
    sel = sel.where(({ exists, selectFrom }) =>
      exists(
        probe(
          selectFrom('memberships as m')
            .innerJoin('membership_user_types as t', 't.membership_id', 'm.id')
            .select('m.id')
            .whereRef('m.user_id', '=', 'users.id')
            .where('t.user_type_id', '=', typeId),
        ),
      ),
    );
  }
  if (q) {
    const pattern = likePrefix(q);
    // ESCAPE is spelled out: SQLite has no default escape character for LIKE.
    sel = sel.where(
      sql<boolean>`(lower(first_name) like ${pattern} escape '\\' or lower(last_name) like ${pattern} escape '\\' or email like ${pattern} escape '\\')`,
    );
  }
  return sel;
}

/**
 * The listing query for one page (limit + 1 rows, to know whether another page follows).
 *
 * Keyset paging on the `users_listing` index (org_id, status, assigned, id): each allowed
 * (status, assigned) partition is read as its own index range `id > cursor ORDER BY id LIMIT
 * n+1`, and the partitions (at most four) are merged with UNION ALL. Every branch is a
 * bounded index scan, so a page costs the same on 1,000,000 users as on 100 and nothing is
 * sorted or filtered in JavaScript. Exported so a test can check the plan.
 */
export function userListingQuery(
  db: Db,
  orgId: string,
  query: UserListQuery,
  limit: number,
  after: string | undefined,
  search: SearchStrategy = likeSearch(query),
) {
  const branchQuery = (b: Branch) => {
    let sel = filtered(
      db
        .selectFrom('users')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('status', '=', b.status)
        .where('assigned', '=', b.assigned),
      query,
      search,
      dialectOf(db),
    );
    if (after !== undefined) sel = sel.where('id', '>', after);
    return sel.orderBy('id').limit(limit + 1);
  };

  const branches = listingBranches(query).map((b, i) =>
    db.selectFrom(branchQuery(b).as(`b${i}`)).selectAll(),
  );
  const [first, ...rest] = branches;
  if (!first) return undefined;
  let merged = first;
  for (const next of rest) merged = merged.unionAll(next);
  return merged.orderBy('id').limit(limit + 1);
}

/**
 * The totals of the All, Unassigned and Deactivated tabs under the same filters: each of the
 * four (status, assigned) partitions is counted once and the tabs are sums of them.
 */
export async function countTabs(
  db: Db,
  orgId: string,
  query: UserListQuery,
): Promise<{ all: number; unassigned: number; deactivated: number }> {
  const search = await searchStrategy(db, query, true);
  const n: Record<string, number> = {};
  for (const b of listingBranches({})) {
    const row = await filtered(
      db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', orgId)
        .where('status', '=', b.status)
        .where('assigned', '=', b.assigned),
      query,
      search,
      dialectOf(db),
    ).executeTakeFirst();
    n[`${b.status}:${b.assigned}`] = Number(row?.n ?? 0);
  }
  const get = (k: string) => n[k] ?? 0;
  const deactivated = get('deactivated:0') + get('deactivated:1');
  return {
    all: get('active:0') + get('active:1') + deactivated,
    unassigned: get('active:0'),
    deactivated,
  };
}

/** One page of an organisation's users, ordered by id, with their memberships. */
export async function listUsers(db: Db, orgId: string, query: UserListQuery): Promise<UserPage> {
  const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const search = await searchStrategy(db, query);
  const listing = userListingQuery(db, orgId, query, limit, after, search);
  if (!listing) return { items: [], nextCursor: null };
  const rows = await listing.execute();

  const page = rows.slice(0, limit).map(toUser);
  const memberships = await loadMemberships(
    db,
    page.map((u) => u.id),
  );
  const items = page.map((u) => ({ ...u, memberships: memberships.get(u.id) ?? [] }));
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

/** The list's filters other than the tab (status, assignment) and paging. */
export type UserFilters = Omit<UserListQuery, 'status' | 'assignment' | 'limit' | 'cursor'>;

/**
 * Pages, in id order, of the organisation's active users without a membership that carries a
 * user type, under the list's filters (the Unassigned tab's rows exactly), for readers that
 * classify them. The search strategy is chosen once for all pages.
 */
export function unassignedUsersPages(
  db: Db,
  orgId: string,
  filters: UserFilters = {},
): (after: string, limit: number) => Promise<User[]> {
  const query: UserListQuery = { ...filters, assignment: 'unassigned' };
  let search: Promise<SearchStrategy> | undefined;
  return async (after, limit) => {
    search ??= searchStrategy(db, query);
    const listing = userListingQuery(db, orgId, query, limit, after || undefined, await search);
    if (!listing) return [];
    const rows = await listing.execute();
    return rows.slice(0, limit).map(toUser);
  };
}

/** The users with their memberships (a page about to be shown). */
export async function withMemberships(
  db: Db,
  users: readonly User[],
): Promise<UserWithMemberships[]> {
  const memberships = await loadMemberships(
    db,
    users.map((u) => u.id),
  );
  return users.map((u) => ({ ...u, memberships: memberships.get(u.id) ?? [] }));
}
