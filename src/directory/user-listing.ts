import { expressionBuilder, sql } from 'kysely';
import type { Expression, Selectable, SelectQueryBuilder, SqlBool } from 'kysely';
import type { Database, Db, UsersTable, UserStatus } from '../db/schema.ts';
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
 * Where one (status, assigned) partition's rows come from (issue 17):
 * - `range`: its id-ordered range of `users_listing`, every filter tested per row (no filter,
 *   or a search term frequent in the partition, which fills a page after a few rows);
 * - `unit`: the unit's members in the partition, an id-ordered range of
 *   `memberships_unit_listing` (the memberships carry their user's partition), so a partition
 *   without members of the unit costs one index probe;
 * - `hits`: the few users of the partition holding the search term, found by the partition's
 *   trigram index (SQLite rowids, PostgreSQL ids) and sorted by id;
 * - `fts` (SQLite, counting only): the partition's trigram table as a rowid set.
 */
export type BranchSource =
  | { kind: 'range' }
  | { kind: 'unit'; unitId: string }
  | { kind: 'hits'; column: 'rowid' | 'id'; keys: Array<string | number> }
  | { kind: 'fts'; table: string; phrase: string };

export interface BranchPlan {
  branch: Branch;
  source: BranchSource;
}

/** The listing's plan: the folded search term (tested on every row read) and each partition's source. */
export interface ListingPlan {
  term: string;
  branches: BranchPlan[];
}

/**
 * A partition holding at most this many hits of the term is read through its trigram index
 * and sorted; with more, its id-ordered range fills a page after ~51 × size / hits rows.
 */
const HIT_LOOKUP_MAX = 2_000;

/** Rows of a partition's source a page first looks at before counting hits. */
const FIRST_LOOK_ROWS = 1_000;

/**
 * The two thresholds above. Tests lower them so that a few dozen users exercise every
 * source (few hits, many hits, first rows filling the page or not).
 */
export const listingThresholds = { hitLookupMax: HIT_LOOKUP_MAX, firstLookRows: FIRST_LOOK_ROWS };

/** The suffix of the partition's trigram table (SQLite) or index (PostgreSQL), migration 100. */
function partitionSuffix(b: Branch): string {
  return `${b.status === 'active' ? 'a' : 'd'}${b.assigned}`;
}

function searchTerm(query: UserListQuery): string {
  return query.search !== undefined ? foldText(query.search) : '';
}

/** The plan that needs no index probe: unit filter by its index, anything else by range. */
function staticPlan(query: UserListQuery): ListingPlan {
  const source: BranchSource =
    query.unitId !== undefined ? { kind: 'unit', unitId: query.unitId } : { kind: 'range' };
  return {
    term: searchTerm(query),
    branches: listingBranches(query).map((branch) => ({ branch, source })),
  };
}

/** A phrase query of FTS5: the term as one quoted string ("" escapes a quote). */
function ftsPhrase(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

const trigramIndexes = new WeakMap<object, Promise<boolean>>();

/** Whether PostgreSQL has the partitions' pg_trgm indexes (migration 100 skips them without the extension). */
function hasTrigramIndexes(db: Db): Promise<boolean> {
  let known = trigramIndexes.get(db);
  if (!known) {
    known = sql<{
      n: number;
    }>`select count(*)::int as n from pg_indexes where indexname = 'users_search_trgm_a1'`
      .execute(db)
      .then((r) => Number(r.rows[0]?.n ?? 0) > 0);
    trigramIndexes.set(db, known);
  }
  return known;
}

/**
 * Picks each partition's source. With a search term of 3+ characters and a trigram index,
 * every partition's hits are counted through its own index, bounded: few hits (none, in a
 * partition nobody there matches) are fetched and sorted; many keep the id-ordered range.
 * `counting`: the totals read every hit anyway, so many hits become a set from the index
 * (SQLite) or a LIKE the partial GIN index serves (PostgreSQL) instead of a range.
 */
async function planListing(
  db: Db,
  orgId: string,
  query: UserListQuery,
  page?: { limit: number; after: string | undefined },
  counting = false,
): Promise<ListingPlan> {
  const plan = staticPlan(query);
  const term = plan.term;
  if (Array.from(term).length < 3) return plan;
  const dialect = dialectOf(db);
  if (dialect === 'postgres' && !(await hasTrigramIndexes(db))) return plan;
  const branches: BranchPlan[] = [];
  for (const { branch, source } of plan.branches) {
    // Counting hits costs PostgreSQL a read of ~2,000 / density rows when the term is
    // frequent (15–20 ms at 10 %), and a partition may hold few members of the unit: the
    // page's first rows are looked at first (SQLite counts through FTS5 cheaply).
    const first =
      page &&
      (dialect === 'postgres' || source.kind === 'unit') &&
      (await firstRowsPage(db, orgId, query, plan, { branch, source }, page));
    if (first) {
      branches.push({ branch, source: { kind: 'hits', column: 'id', keys: first } });
      continue;
    }
    if (dialect === 'sqlite') {
      const table = `users_search_${partitionSuffix(branch)}`;
      const phrase = ftsPhrase(term);
      const rows = await sql<{
        rowid: number;
      }>`select rowid from ${sql.table(table)} where ${sql.table(
        table,
      )} match ${phrase} limit ${listingThresholds.hitLookupMax + 1}`.execute(db);
      branches.push({
        branch,
        source:
          rows.rows.length <= listingThresholds.hitLookupMax
            ? { kind: 'hits', column: 'rowid', keys: rows.rows.map((r) => r.rowid) }
            : counting && source.kind === 'range'
              ? { kind: 'fts', table, phrase }
              : source,
      });
    } else {
      // Status and assigned as literals' values: the planner matches the partial index.
      const rows = await db
        .selectFrom('users')
        .select('id')
        .where('org_id', '=', orgId)
        .where('status', '=', branch.status)
        .where('assigned', '=', branch.assigned)
        .where(sql<boolean>`search_key like ${`%${likeEscape(term)}%`} escape '\\'`)
        .limit(listingThresholds.hitLookupMax + 1)
        .execute();
      branches.push({
        branch,
        source:
          rows.length <= listingThresholds.hitLookupMax
            ? { kind: 'hits', column: 'id', keys: rows.map((r) => r.id) }
            : source,
      });
    }
  }
  return { term, branches };
}

/**
 * The ids of the partition's page when it fills from the first `firstLookRows` rows of its
 * source after the cursor: those rows then hold the page exactly (any later match has a
 * larger id), so no hit needs counting; also when the source ends within those rows.
 * Undefined otherwise. Costs at most those rows (twice, when the page does not fill).
 */
async function firstRowsPage(
  db: Db,
  orgId: string,
  query: UserListQuery,
  plan: ListingPlan,
  bp: BranchPlan,
  page: { limit: number; after: string | undefined },
): Promise<string[] | undefined> {
  if (page.limit + 1 > listingThresholds.firstLookRows) return undefined;
  // No member of the unit in the partition (the unassigned users have no unit, say).
  if (
    bp.source.kind === 'unit' &&
    (await countMembers(db, bp.source.unitId, bp.branch, page.after, 1)) === 0
  ) {
    return [];
  }
  const { rows, key } = partitionRows(db, orgId, bp, []);
  const first = (page.after !== undefined ? rows.where(key, '>', page.after) : rows)
    .orderBy(key)
    .limit(listingThresholds.firstLookRows);
  // The filters see the first rows under the table's name, as they would the table.
  const found = await db
    .selectFrom(first.as('users'))
    .select('users.id')
    .where((eb) => eb.and(rowFilters(query, plan, bp.source, dialectOf(db), false)))
    .orderBy('users.id')
    .limit(page.limit + 1)
    .execute();
  if (found.length > page.limit) return found.map((r) => r.id);
  // Fewer matches: they are all there are when the unit has no more members in the
  // partition than looked at (often none: unassigned users have no unit).
  if (bp.source.kind !== 'unit') return undefined;
  const seen = await countMembers(
    db,
    bp.source.unitId,
    bp.branch,
    page.after,
    listingThresholds.firstLookRows,
  );
  return seen < listingThresholds.firstLookRows ? found.map((r) => r.id) : undefined;
}

/**
 * The filters of the users list other than status and assignment (which pick partitions),
 * tested on each row read: email, prefix search, substring search, integration, unit (unless
 * the rows come from the unit's index) and user type.
 */
function rowFilters(
  query: UserListQuery,
  plan: ListingPlan,
  source: BranchSource,
  dialect: DialectKind,
  counting: boolean,
): Array<Expression<SqlBool>> {
  const eb = expressionBuilder<Database, 'users'>();
  const out: Array<Expression<SqlBool>> = [];
  // PostgreSQL turns EXISTS into a semi-join over every membership of the unit and sorts;
  // OFFSET 0 keeps it a per-row probe of the (user_id, unit_id) index, so a page reads a page
  // of users in id order and stops (SQLite probes per row anyway, and has no bare OFFSET).
  const probe = <T extends { offset(n: number): T }>(q: T): T =>
    dialect === 'postgres' ? q.offset(0) : q;
  const email = query.email !== undefined ? normaliseEmail(query.email) : undefined;
  const q = query.q?.trim().toLowerCase();
  if (email !== undefined) out.push(eb('users.email', '=', email));
  if (source.kind === 'hits') {
    if (source.keys.length === 0) return [sql<SqlBool>`1 = 0`];
    out.push(
      source.column === 'rowid'
        ? sql<SqlBool>`users.rowid in (${sql.join(source.keys)})`
        : sql<SqlBool>`users.id in (${sql.join(source.keys)})`,
    );
  } else if (source.kind === 'fts') {
    out.push(
      sql<SqlBool>`users.rowid in (select rowid from ${sql.table(source.table)} where ${sql.table(
        source.table,
      )} match ${source.phrase})`,
    );
  }
  if (plan.term) {
    // The exact test on every row read (the trigram index may over-match): a plain substring
    // test, cheaper than LIKE and needing no escaping. Counting on PostgreSQL uses LIKE, which
    // the partition's GIN index serves.
    out.push(
      dialect === 'postgres'
        ? counting
          ? sql<SqlBool>`users.search_key like ${`%${likeEscape(plan.term)}%`} escape '\\'`
          : sql<SqlBool>`strpos(users.search_key, ${plan.term}) > 0`
        : sql<SqlBool>`instr(users.search_key, ${plan.term}) > 0`,
    );
  }
  if (query.integrationId !== undefined) {
    out.push(eb('users.source_integration_id', '=', query.integrationId));
  }
  if (query.unitId !== undefined && source.kind !== 'unit') {
    const unitId = query.unitId;
    out.push(
      eb.exists(
        probe(
          eb
            .selectFrom('memberships as m')
            .select('m.id')
            .whereRef('m.user_id', '=', 'users.id')
            .where('m.unit_id', '=', unitId),
        ),
      ),
    );
  }
  if (query.userTypeId !== undefined) {
    const typeId = query.userTypeId;
    out.push(
      eb.exists(
        probe(
          eb
            .selectFrom('memberships as m')
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
    out.push(
      sql<SqlBool>`(lower(users.first_name) like ${pattern} escape '\\' or lower(users.last_name) like ${pattern} escape '\\' or users.email like ${pattern} escape '\\')`,
    );
  }
  return out;
}

/** The users of a partition with these filters, read from its source, as `users.*`. */
function partitionRows(
  db: Db,
  orgId: string,
  { branch, source }: BranchPlan,
  filters: ReadonlyArray<Expression<SqlBool>>,
): { rows: SelectQueryBuilder<Database, 'users', Selectable<UsersTable>>; key: 'users.id' } {
  const dialect = dialectOf(db);
  if (source.kind === 'unit') {
    // Driven by the unit's index range in user id order. PostgreSQL would merge-join it with
    // every user of the organisation; the LATERAL lookup (LIMIT 1 keeps it from being pulled
    // up into a join) makes it a primary-key probe per member. SQLite probes per row anyway.
    const members = db
      .selectFrom('memberships as um')
      .where('um.unit_id', '=', source.unitId)
      .where('um.user_status', '=', branch.status)
      .where('um.user_assigned', '=', branch.assigned);
    const joined =
      dialect === 'postgres'
        ? members.innerJoinLateral(
            (eb) =>
              eb
                .selectFrom('users')
                .selectAll()
                .whereRef('users.id', '=', 'um.user_id')
                .limit(1)
                .as('users'),
            (join) => join.onTrue(),
          )
        : members.innerJoin('users', 'users.id', 'um.user_id');
    const rows = joined
      .where('users.org_id', '=', orgId)
      .where((eb) => eb.and([...filters]))
      .selectAll('users');
    // The members' user ids are the users' ids; ordering by the index's column lets the
    // range give the order.
    return {
      rows: rows as unknown as SelectQueryBuilder<Database, 'users', Selectable<UsersTable>>,
      key: 'um.user_id' as unknown as 'users.id',
    };
  }
  const rows = db
    .selectFrom('users')
    .where('users.org_id', '=', orgId)
    .where('users.status', '=', branch.status)
    .where('users.assigned', '=', branch.assigned)
    .where((eb) => eb.and([...filters]))
    .selectAll('users');
  return { rows, key: 'users.id' };
}

/** How many members (up to `max`) the unit has in the partition after the cursor: its index alone. */
async function countMembers(
  db: Db,
  unitId: string,
  branch: Branch,
  after: string | undefined,
  max: number,
): Promise<number> {
  let members = db
    .selectFrom('memberships')
    .select('user_id')
    .where('unit_id', '=', unitId)
    .where('user_status', '=', branch.status)
    .where('user_assigned', '=', branch.assigned);
  if (after !== undefined) members = members.where('user_id', '>', after);
  const row = await db
    .selectFrom(members.limit(max).as('w'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** One partition's page: `id > after ORDER BY id LIMIT limit + 1`, every filter applied. */
function partitionPage(
  db: Db,
  orgId: string,
  query: UserListQuery,
  plan: ListingPlan,
  bp: BranchPlan,
  limit: number,
  after: string | undefined,
) {
  const filters = rowFilters(query, plan, bp.source, dialectOf(db), false);
  const { rows, key } = partitionRows(db, orgId, bp, filters);
  const sel = after !== undefined ? rows.where(key, '>', after) : rows;
  return sel.orderBy(key).limit(limit + 1);
}

/**
 * The listing query for one page (limit + 1 rows, to know whether another page follows).
 *
 * Keyset paging: each allowed (status, assigned) partition is read as its own id-ordered
 * source `id > cursor ORDER BY id LIMIT n+1` (see BranchSource), and the partitions (at most
 * four) are merged with UNION ALL. Every branch is a bounded index scan or a few looked-up
 * hits, so a page costs about the same on 1,000,000 users as on 100 and nothing is sorted or
 * filtered in JavaScript. Exported so a test can check the plan.
 */
export function userListingQuery(
  db: Db,
  orgId: string,
  query: UserListQuery,
  limit: number,
  after: string | undefined,
  plan: ListingPlan = staticPlan(query),
) {
  const branches = plan.branches.map((bp, i) =>
    db.selectFrom(partitionPage(db, orgId, query, plan, bp, limit, after).as(`b${i}`)).selectAll(),
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
  const all = { ...query, status: undefined, assignment: undefined };
  const plan = await planListing(db, orgId, all, undefined, true);
  const n: Record<string, number> = {};
  for (const bp of plan.branches) {
    const filters = rowFilters(all, plan, bp.source, dialectOf(db), true);
    const row = await partitionRows(db, orgId, bp, filters)
      .rows.clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    n[`${bp.branch.status}:${bp.branch.assigned}`] = Number(row?.n ?? 0);
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
  const plan = await planListing(db, orgId, query, { limit, after });
  const listing = userListingQuery(db, orgId, query, limit, after, plan);
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
 * classify them. The plan (which partition is read how) is made once for all pages.
 */
export function unassignedUsersPages(
  db: Db,
  orgId: string,
  filters: UserFilters = {},
): (after: string, limit: number) => Promise<User[]> {
  const query: UserListQuery = { ...filters, assignment: 'unassigned' };
  let plan: Promise<ListingPlan> | undefined;
  return async (after, limit) => {
    plan ??= planListing(db, orgId, query);
    const listing = userListingQuery(db, orgId, query, limit, after || undefined, await plan);
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
