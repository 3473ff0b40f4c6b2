import { sql } from 'kysely';
import type { Db, UserStatus } from '../db/schema.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { normaliseEmail } from './email.ts';
import { loadMemberships } from './memberships.ts';
import type { UserWithMemberships } from './types.ts';
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
  /** Users with a membership (managed or manual) in this unit. */
  unitId?: string | undefined;
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
function likePrefix(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
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
) {
  const email = query.email !== undefined ? normaliseEmail(query.email) : undefined;
  const q = query.q?.trim().toLowerCase();

  const branchQuery = (b: Branch) => {
    let sel = db
      .selectFrom('users')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('status', '=', b.status)
      .where('assigned', '=', b.assigned);
    if (after !== undefined) sel = sel.where('id', '>', after);
    if (email !== undefined) sel = sel.where('email', '=', email);
    if (query.unitId !== undefined) {
      const unitId = query.unitId;
      sel = sel.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('memberships as um')
            .select('um.id')
            .whereRef('um.user_id', '=', 'users.id')
            .where('um.unit_id', '=', unitId),
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

/** One page of an organisation's users, ordered by id, with their memberships. */
export async function listUsers(db: Db, orgId: string, query: UserListQuery): Promise<UserPage> {
  const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const listing = userListingQuery(db, orgId, query, limit, after);
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
