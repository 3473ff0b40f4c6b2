import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Insertable } from 'kysely';
import { createAdmin } from '../../src/auth/admins.ts';
import { DEFAULT_DATABASE_URL, loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import type { DialectKind } from '../../src/db/connect.ts';
import type {
  Db,
  MembershipsTable,
  MembershipUserTypesTable,
  UsersTable,
} from '../../src/db/schema.ts';
import { searchKey } from '../../src/directory/search-key.ts';
import { createUnit } from '../../src/directory/units.ts';
import { createUserType } from '../../src/directory/user-types.ts';
import { startServer } from '../../src/http/server.ts';
import { createSecretBox } from '../../src/integrations/secret-box.ts';
import { createLogger } from '../../src/log.ts';
import { createTestDatabase } from '../../test/helpers/databases.ts';
import type { ScenarioResult } from '../protocol.ts';

const BATCH = 1000;

/** Shares of the organisation: most users assigned, some unassigned, some deactivated. */
const UNASSIGNED_EVERY = 20; // 5 %
const DEACTIVATED_EVERY = 20; // 5 %, offset so the two sets differ

/**
 * Fills an organisation with `users` users by multi-row INSERTs (not through the sync), each
 * assigned or deactivated user with a membership carrying a user type, then times the
 * admin panel's Unassigned and Deactivated tabs over real HTTP: first page and the page
 * after it (cursor), median of repeated calls after one cold call.
 */
export async function listing(dialect: DialectKind, users: number): Promise<ScenarioResult> {
  const database = await createTestDatabase(dialect);
  const db = database.db;
  const now = new Date().toISOString();
  const password = 'bench password 123';
  const { organization: org } = await createAdmin(
    db,
    { org: 'Listing Org', email: 'list@example.test', password },
    { scrypt: { N: 1024, r: 8, p: 1 } },
  );
  const unitIds: string[] = [];
  for (const name of ['North', 'South', 'East', 'West'])
    unitIds.push((await createUnit(db, org.id, { name }, new Date())).id);
  const typeId = (await createUserType(db, org.id, { name: 'Employee' }, new Date())).id;
  const t0 = performance.now();
  await fill(db, org.id, users, unitIds, typeId, now);
  const fillMs = performance.now() - t0;
  // Fresh statistics, as autovacuum (PostgreSQL) or a maintenance run would have gathered.
  await sql`analyze`.execute(db);
  // Autovacuum would also have set the visibility map: without it every count visits the heap.
  if (dialect === 'postgres') await sql`vacuum (analyze) users, memberships`.execute(db);

  const key = randomBytes(32);
  const ctx: AppContext = {
    config: loadConfig({ DATABASE_URL: DEFAULT_DATABASE_URL, LOG_LEVEL: 'silent' }),
    database,
    db,
    log: createLogger('silent'),
    clock: { now: () => new Date() },
    secretBox: createSecretBox(key),
  };
  const server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
  try {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'list@example.test', password }),
    });
    const { token } = (await login.json()) as { token: string };
    const get = async (query: string): Promise<{ ms: number; next: string | null }> => {
      const t = performance.now();
      const res = await fetch(`${server.url}/api/v1/users?${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { items: unknown[]; nextCursor: string | null };
      const ms = performance.now() - t;
      if (res.status !== 200 || body.items.length === 0)
        throw new Error(`GET /users?${query} → ${res.status}`);
      return { ms, next: body.nextCursor };
    };
    const timings: Record<string, number> = { fillSeconds: Math.round(fillMs / 100) / 10 };
    for (const [label, query] of [
      ['unassigned', 'assignment=unassigned'],
      ['deactivated', 'status=deactivated'],
    ] as const) {
      const cold = await get(query);
      timings[`${label} p1 cold`] = cold.ms;
      const first: number[] = [];
      const second: number[] = [];
      for (let i = 0; i < 7; i++) {
        const p1 = await get(query);
        first.push(p1.ms);
        if (!p1.next) throw new Error('no second page');
        second.push((await get(`${query}&cursor=${encodeURIComponent(p1.next)}`)).ms);
      }
      timings[`${label} p1`] = median(first);
      timings[`${label} p2`] = median(second);
    }
    // Issue 13: search (substring of name or email, accents folded) and filters, first page.
    const rare = Math.floor(users * 0.77);
    for (const [label, query, path] of [
      ['search rare (1 hit)', `search=last${rare}%20`, '/users'],
      ['search accent (10%)', 'search=ZOE', '/users'],
      // The same term on the Unassigned tab, where no user holds it: a page with few matches.
      ['search 10% term, Unassigned (0 hits there)', 'assignment=unassigned&search=ZOE', '/users'],
      ['search 10% term, Deactivated (0 hits there)', 'status=deactivated&search=ZOE', '/users'],
      ['search none', 'search=nobody-has-this', '/users'],
      ['filter unit', `unitId=${unitIds[1]}`, '/users'],
      ['filter unit+search', `unitId=${unitIds[1]}&search=first1`, '/users'],
      ['tab totals', '', '/users/counts'],
      ['tab totals + search', 'search=zoe', '/users/counts'],
    ] as const) {
      const call = async () => {
        const t = performance.now();
        const res = await fetch(`${server.url}/api/v1${path}?${query}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`GET ${path}?${query} → ${res.status}`);
        return performance.now() - t;
      };
      timings[`${label} cold`] = await call();
      const warm: number[] = [];
      for (let i = 0; i < 5; i++) warm.push(await call());
      timings[label] = median(warm);
    }
    return {
      scenario: 'listing',
      dialect,
      users,
      timings,
      note: `${users / UNASSIGNED_EVERY} unassigned, ${users / DEACTIVATED_EVERY} deactivated; page size 50 (default)`,
    };
  } finally {
    await server.close();
    await database.drop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

async function fill(
  db: Db,
  orgId: string,
  total: number,
  unitIds: string[],
  typeId: string,
  now: string,
): Promise<void> {
  const purge = new Date(Date.now() + 90 * 86_400_000).toISOString();
  for (let start = 0; start < total; start += BATCH) {
    const userRows: Insertable<UsersTable>[] = [];
    const membershipRows: Insertable<MembershipsTable>[] = [];
    const typeRows: Insertable<MembershipUserTypesTable>[] = [];
    for (let i = start; i < Math.min(total, start + BATCH); i++) {
      const id = randomUUID();
      const deactivated = i % DEACTIVATED_EVERY === 7;
      const unassigned = !deactivated && i % UNASSIGNED_EVERY === 3;
      userRows.push({
        id,
        org_id: orgId,
        first_name: i % 10 === 0 ? `Zoë${i}` : `First${i}`,
        last_name: `Last${i}`,
        email: `user${i}@bench.example`,
        search_key: searchKey(
          i % 10 === 0 ? `Zoë${i}` : `First${i}`,
          `Last${i}`,
          `user${i}@bench.example`,
        ),
        status: deactivated ? 'deactivated' : 'active',
        deactivated_at: deactivated ? now : null,
        deactivation_reason: deactivated ? 'source-deleted' : null,
        purge_after: deactivated ? purge : null,
        source_integration_id: null,
        source_external_id: null,
        assigned: unassigned ? 0 : 1,
        created_at: now,
        updated_at: now,
      });
      if (!unassigned) {
        const membershipId = randomUUID();
        membershipRows.push({
          id: membershipId,
          user_id: id,
          unit_id: unitIds[i % unitIds.length] as string,
          managed_by: null,
          created_at: now,
        });
        typeRows.push({ membership_id: membershipId, user_type_id: typeId });
      }
    }
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('users').values(userRows).execute();
      if (membershipRows.length)
        await trx.insertInto('memberships').values(membershipRows).execute();
      if (typeRows.length) await trx.insertInto('membership_user_types').values(typeRows).execute();
    });
  }
}
