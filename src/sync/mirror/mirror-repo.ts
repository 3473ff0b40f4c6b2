import { sql, type Expression } from 'kysely';
import { chunks, inListChunks } from '../../db/chunks.ts';
import { dialectOf } from '../../db/dialect-of.ts';
import { columnsOf, unnestRows } from '../../db/unnest.ts';
import type { Db, MirrorTodo } from '../../db/schema.ts';
import { canonicalEntraUser, type EntraUser } from '../entra-user.ts';
import type { RemovedReason } from '../map.ts';
import { emailOf } from '../map.ts';
import type { MirrorRow } from '../reconcile/desired.ts';

/*
 * The mirror (`entra_users`): the only module that writes it. The Graph side of a run brings
 * it up to date; the reconcile reads it and records each row's outcome.
 */

/** One Entra entry of a Graph page, as the mirror stores it. */
export type MirrorEntry =
  | { kind: 'user'; user: EntraUser }
  | { kind: 'removed'; id: string; reason: RemovedReason }
  | { kind: 'invalid'; id: string; property: string };

/**
 * The stored JSON of a user: the selected properties in a fixed order (nested objects too),
 * absent ones as null,
 * so the same Entra values always give the same text and "changed" is a string comparison.
 */
export function mirrorData(u: EntraUser): string {
  return JSON.stringify(canonicalEntraUser(u));
}

/** The columns a mirror upsert writes, with their PostgreSQL types (db/unnest.ts). */
const MIRROR_COLUMN_TYPES = {
  integration_id: 'text',
  external_id: 'text',
  email: 'text',
  data: 'text',
  removed: 'int',
  removed_reason: 'text',
  invalid_property: 'text',
  last_run_id: 'text',
  todo: 'int',
  outcome: 'text',
  changed_at: 'text',
  updated_at: 'text',
} as const;

/**
 * Upserts one page of entries and marks them seen by `runId`. A row whose values, removal or
 * validity differ from what is stored becomes `todo = 1` (to reconcile) with `changed_at = now`;
 * an identical entry (a replayed page, a full round over unchanged users) changes nothing else.
 * A removal or a malformed entry keeps the last known values: a restore or a relink needs them.
 */
export async function upsertMirrorPage(
  db: Db,
  integrationId: string,
  runId: string,
  entries: readonly MirrorEntry[],
  now: string,
): Promise<void> {
  // Graph may repeat a user within a page: the last entry wins (one row per statement).
  const last = new Map<string, MirrorEntry>();
  for (const e of entries) {
    const id = e.kind === 'user' ? e.user.id : e.id;
    last.delete(id);
    last.set(id, e);
  }
  const rows = [...last.entries()].map(([id, e]) => ({
    integration_id: integrationId,
    external_id: id,
    email: e.kind === 'user' ? emailOf(e.user) : null,
    data: e.kind === 'user' ? mirrorData(e.user) : JSON.stringify({ id }),
    removed: e.kind === 'removed' ? 1 : 0,
    removed_reason: e.kind === 'removed' ? e.reason : null,
    invalid_property: e.kind === 'invalid' ? e.property : null,
    last_run_id: runId,
    todo: 1 as MirrorTodo,
    outcome: null,
    changed_at: now,
    updated_at: now,
  }));
  // Keeps the stored values when the entry carries none (a removal, a malformed entry).
  const keeps = sql`(excluded.removed = 1 or excluded.invalid_property is not null)`;
  const changed = sql`(
    entra_users.removed <> excluded.removed
    or coalesce(entra_users.removed_reason, '') <> coalesce(excluded.removed_reason, '')
    or coalesce(entra_users.invalid_property, '') <> coalesce(excluded.invalid_property, '')
    or (not ${keeps} and entra_users.data <> excluded.data)
  )`;
  const postgres = dialectOf(db) === 'postgres';
  // PostgreSQL takes the page as column arrays in one statement (db/unnest.ts); SQLite binds
  // at most 32,766 parameters per statement, so it takes 500 rows at a time.
  for (const batch of postgres ? [rows] : chunks(rows, 500)) {
    const insert = db.insertInto('entra_users');
    await (
      postgres
        ? insert
            .columns(columnsOf(MIRROR_COLUMN_TYPES))
            .expression(unnestRows(batch, MIRROR_COLUMN_TYPES))
        : insert.values(batch)
    )
      .onConflict((oc) =>
        oc.columns(['integration_id', 'external_id']).doUpdateSet({
          email: sql`case when ${keeps} then entra_users.email else excluded.email end`,
          data: sql`case when ${keeps} then entra_users.data else excluded.data end`,
          todo: sql`case when ${changed} then 1 else entra_users.todo end`,
          changed_at: sql`case when ${changed} then excluded.changed_at else entra_users.changed_at end`,
          // Changed again later in the round: its reconcile at the end must look at it.
          settled_run: sql`case when ${changed} then null else entra_users.settled_run end`,
          removed: sql`excluded.removed`,
          removed_reason: sql`excluded.removed_reason`,
          invalid_property: sql`excluded.invalid_property`,
          last_run_id: sql`excluded.last_run_id`,
          updated_at: sql`excluded.updated_at`,
        }),
      )
      .execute();
  }
}

/**
 * The end of a full enumeration: every row it did not see is gone from Entra (`not-seen`),
 * to be reconciled. Returns how many rows that marked.
 */
export async function markUnseen(
  db: Db,
  integrationId: string,
  runId: string,
  now: string,
): Promise<number> {
  const res = await db
    .updateTable('entra_users')
    .set({ removed: 1, removed_reason: 'not-seen', todo: 1, changed_at: now, updated_at: now })
    .where('integration_id', '=', integrationId)
    .where('removed', '=', 0)
    .where((eb) => eb.or([eb('last_run_id', 'is', null), eb('last_run_id', '<>', runId)]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Forgets the "seen by" marks of an earlier attempt of a run that starts its round again. */
export async function clearRunMarks(db: Db, integrationId: string, runId: string): Promise<void> {
  await db
    .updateTable('entra_users')
    .set({ last_run_id: null })
    .where('integration_id', '=', integrationId)
    .where('last_run_id', '=', runId)
    .execute();
}

/** A mirror row as a reconcile reads it, with what the last reconcile decided for it. */
export interface CandidateRow extends MirrorRow {
  email: string | null;
  /** The last outcome and todo state, so an unchanged outcome is not written again. */
  outcome?: string | null;
  todo?: number;
}

type RawRow = {
  in_scope: number | boolean | string;
  external_id: string;
  email: string | null;
  data: string;
  removed: number;
  removed_reason: string | null;
  invalid_property: string | null;
  outcome?: string | null;
  todo?: number;
};

/**
 * Whether the row's user is in `entra_scope_users` (the scope groups' users, written by
 * sync/scope): read with the row so the decision stays a function of the row and the config.
 */
function inScopeOf(alias: 'e') {
  return sql<
    number | boolean
  >`exists (select 1 from entra_scope_users s where s.integration_id = ${sql.ref(`${alias}.integration_id`)} and s.external_id = ${sql.ref(`${alias}.external_id`)})`.as(
    'in_scope',
  );
}

/** A platform user is linked to the mirror row `e`. */
const IS_LINKED = sql<boolean>`exists (select 1 from users u where u.source_integration_id = e.integration_id and u.source_external_id = e.external_id)`;

/** Another present row of the integration carries the email of the mirror row `e`. */
const EMAIL_SHARED = sql<boolean>`exists (select 1 from entra_users o where o.integration_id = e.integration_id and o.email = e.email and o.external_id <> e.external_id and o.removed = 0)`;

/** The columns every reader of a mirror row for the reconcile needs (alias `e`). */
const ROW_COLUMNS = [
  'e.external_id',
  'e.email',
  'e.data',
  'e.removed',
  'e.removed_reason',
  'e.invalid_property',
] as const;

function toCandidate(r: RawRow): CandidateRow {
  const reason = r.removed_reason;
  const removed: RemovedReason | null =
    r.removed !== 1
      ? null
      : reason === 'removed-deleted' || reason === 'not-seen'
        ? reason
        : 'removed-changed';
  return {
    externalId: r.external_id,
    email: r.email,
    data: r.data,
    removed,
    invalidProperty: r.invalid_property,
    ...(r.outcome !== undefined ? { outcome: r.outcome } : {}),
    ...(r.todo !== undefined ? { todo: r.todo } : {}),
    // PostgreSQL answers `exists` as a boolean, SQLite as 0/1.
    inScope: r.in_scope === true || Number(r.in_scope) === 1,
  };
}

/**
 * One batch, in object id order, of the rows a reconcile looks at: every row (`all`), or the
 * rows changed since the last reconcile and those retried every run. `linked` picks the rows a
 * platform user is linked to (releases: updates and deactivations) or the others (claims:
 * creations, links, relinks), so that releases are applied before claims (SPEC §5.13).
 */
export async function candidateBatch(
  db: Db,
  integrationId: string,
  opts: {
    all: boolean;
    linked: boolean;
    after: string;
    limit: number;
    /** Leaves out the rows this run settled while reading Graph (settle-early.ts). */
    skipSettledBy?: string | undefined;
  },
): Promise<CandidateRow[]> {
  let q = db
    .selectFrom('entra_users as e')
    .select([...ROW_COLUMNS, 'e.outcome', 'e.todo', inScopeOf('e')])
    .where('e.integration_id', '=', integrationId)
    .where('e.external_id', '>', opts.after)
    .orderBy('e.external_id')
    .limit(opts.limit);
  if (!opts.all) q = q.where('e.todo', '<>', 0);
  const settledBy = opts.skipSettledBy;
  if (settledBy !== undefined) {
    q = q.where((eb) =>
      eb.or([eb('e.settled_run', 'is', null), eb('e.settled_run', '<>', settledBy)]),
    );
  }
  q = q.where(opts.linked ? IS_LINKED : sql<boolean>`not ${IS_LINKED}`);
  return (await q.execute()).map(toCandidate);
}

/** What a reconcile decided for a row; `todo` 2 keeps it in every run until it settles. */
export type RowOutcome =
  | { outcome: 'ok' | 'skipped' | 'invalid' | 'gone' | 'deactivated'; todo: 0 }
  | { outcome: 'conflict' | 'deactivate' | 'unassign'; todo: 2 };

/** Pending state a guard counts: a deactivation, or a managed membership removal. */
export type PendingKind = 'deactivate' | 'unassign';

/**
 * Records the outcomes of a batch, grouped into a few statements. Rows whose stored outcome
 * and todo already say the same are left alone (`previous`), so re-evaluating a directory
 * that did not change writes nothing.
 */
export async function recordOutcomes(
  db: Db,
  integrationId: string,
  outcomes: ReadonlyMap<string, RowOutcome>,
  previous?: ReadonlyMap<string, { outcome?: string | null; todo?: number }>,
): Promise<void> {
  const groups = new Map<string, { o: RowOutcome; ids: string[] }>();
  const changed: { external_id: string; outcome: string; todo: number }[] = [];
  for (const [id, o] of outcomes) {
    const before = previous?.get(id);
    if (before && before.outcome === o.outcome && before.todo === o.todo) continue;
    changed.push({ external_id: id, outcome: o.outcome, todo: o.todo });
    const key = `${o.outcome}:${o.todo}`;
    const g = groups.get(key);
    if (g) g.ids.push(id);
    else groups.set(key, { o, ids: [id] });
  }
  if (!changed.length) return;
  if (dialectOf(db) === 'postgres') {
    // One statement for the whole batch, whatever the mix of outcomes (db/unnest.ts).
    await sql`update entra_users as e set outcome = u.outcome, todo = u.todo
      from (${unnestRows(changed, OUTCOME_COLUMN_TYPES)}) as u
      where e.integration_id = ${integrationId} and e.external_id = u.external_id`.execute(db);
    return;
  }
  for (const { o, ids } of groups.values()) {
    for (const list of inListChunks(db, ids, 500)) {
      await db
        .updateTable('entra_users')
        .set({ outcome: o.outcome, todo: o.todo })
        .where('integration_id', '=', integrationId)
        .where('external_id', 'in', list)
        .execute();
    }
  }
}

const OUTCOME_COLUMN_TYPES = { external_id: 'text', outcome: 'text', todo: 'int' } as const;

/** How many deactivations (or membership removals) are pending: decided, not yet applied. */
export async function countPending(
  db: Db,
  integrationId: string,
  kind: PendingKind = 'deactivate',
): Promise<number> {
  const row = await db
    .selectFrom('entra_users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('integration_id', '=', integrationId)
    // `todo <> 0` word for word, so SQLite uses the partial index entra_users_todo (it does
    // not infer it from `todo = 2`); an idle run must not scan the mirror.
    .where('todo', '<>', 0)
    .where('todo', '=', 2)
    .where('outcome', '=', kind)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** How many deactivations are pending (decided by a reconcile, not yet applied). */
export function countPendingDeactivations(db: Db, integrationId: string): Promise<number> {
  return countPending(db, integrationId, 'deactivate');
}

/** One batch of the rows whose deactivation (or membership removal) is pending, in object id order. */
export async function pendingBatchOf(
  db: Db,
  integrationId: string,
  kind: PendingKind,
  after: string,
  limit: number,
): Promise<CandidateRow[]> {
  const rows = await db
    .selectFrom('entra_users as e')
    .select([...ROW_COLUMNS, inScopeOf('e')])
    .where('integration_id', '=', integrationId)
    .where('todo', '<>', 0)
    .where('todo', '=', 2)
    .where('outcome', '=', kind)
    .where('external_id', '>', after)
    .orderBy('external_id')
    .limit(limit)
    .execute();
  return rows.map(toCandidate);
}

/** One batch of the rows whose deactivation is pending, in object id order. */
export function pendingDeactivationBatch(
  db: Db,
  integrationId: string,
  after: string,
  limit: number,
): Promise<CandidateRow[]> {
  return pendingBatchOf(db, integrationId, 'deactivate', after, limit);
}

/** Platform users linked to this integration (the base of the default unassignment threshold). */
/**
 * Active users linked to the integration, counted up to `cap`: the default unassignment
 * threshold only needs to know whether there are at least 1,000 (then it is 100), and an
 * uncapped count read every linked user's index entry on every run (19 ms at 100,000).
 */
export async function countLinkedUsers(db: Db, integrationId: string, cap = 1000): Promise<number> {
  const row = await db
    .selectFrom(
      db
        .selectFrom('users')
        .select('id')
        .where('source_integration_id', '=', integrationId)
        .where('status', '=', 'active')
        .limit(cap)
        .as('linked'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Asks the next reconcile to look at these rows again (a platform change that concerns one
 * user: reactivated by an administrator, a manual membership changed).
 */
export async function markForReconcile(
  db: Db,
  integrationId: string,
  externalIds: readonly string[],
): Promise<void> {
  for (const list of inListChunks(db, externalIds, 500)) {
    await db
      .updateTable('entra_users')
      .set({ todo: 1 })
      .where('integration_id', '=', integrationId)
      .where('external_id', 'in', list)
      .where('todo', '=', 0)
      .execute();
  }
}

/**
 * Like {@link markForReconcile}, for the object ids a one-column query returns, in one statement
 * inside the database: a scope change of a million users passes no id list through the process.
 */
export async function markForReconcileIn(
  db: Db,
  integrationId: string,
  externalIds: Expression<string>,
): Promise<void> {
  await db
    .updateTable('entra_users')
    .set({ todo: 1 })
    .where('integration_id', '=', integrationId)
    .where('external_id', 'in', externalIds)
    .where('todo', '=', 0)
    .execute();
}

/**
 * One page, in object id order, of the rows' object ids and stored values: the settled rows
 * (`todo = 0`, scanned for a unit or user type name change) or the users present in Entra
 * (not removed: field preview, unassigned groups). Never the whole mirror at once.
 */
export async function dataPage(
  db: Db,
  integrationId: string,
  which: 'settled' | 'present',
  after: string,
  limit: number,
): Promise<{ externalId: string; data: string }[]> {
  const rows = await db
    .selectFrom('entra_users')
    .select(['external_id', 'data'])
    .where('integration_id', '=', integrationId)
    .where(which === 'settled' ? 'todo' : 'removed', '=', 0)
    .where('external_id', '>', after)
    .orderBy('external_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ externalId: r.external_id, data: r.data }));
}

/** A mirror row by object id, with when Entra last changed it. */
export async function findMirrorRow(db: Db, integrationId: string, externalId: string) {
  const r = await db
    .selectFrom('entra_users as e')
    .select([
      'external_id',
      'email',
      'data',
      'removed',
      'removed_reason',
      'invalid_property',
      'changed_at',
      'outcome',
      inScopeOf('e'),
    ])
    .where('integration_id', '=', integrationId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return r ? { ...toCandidate(r), changedAt: r.changed_at, outcome: r.outcome } : undefined;
}

/** Unlinked, present rows of the organisation's integrations holding this email (linking on create). */
export async function findClaimableByEmail(db: Db, orgId: string, email: string) {
  return db
    .selectFrom('entra_users as e')
    .innerJoin('integrations as i', 'i.id', 'e.integration_id')
    .select(['e.integration_id', 'e.external_id'])
    .where('i.org_id', '=', orgId)
    .where('e.email', '=', email)
    .where('e.removed', '=', 0)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('users as u')
            .select('u.id')
            .whereRef('u.source_integration_id', '=', 'e.integration_id')
            .whereRef('u.source_external_id', '=', 'e.external_id'),
        ),
      ),
    )
    .orderBy('i.created_at')
    .execute();
}

/**
 * Live (not removed) mirror rows after `after` in id order, with whether their platform user
 * is active: the input of counts over the whole tenant (exclusion-rule preview).
 */
export async function liveMirrorBatch(
  db: Db,
  integrationId: string,
  after: string,
  limit: number,
): Promise<{ externalId: string; data: string; activeUser: boolean }[]> {
  const rows = await db
    .selectFrom('entra_users as e')
    .leftJoin('users as u', (j) =>
      j
        .onRef('u.source_external_id', '=', 'e.external_id')
        .onRef('u.source_integration_id', '=', 'e.integration_id')
        .on('u.status', '=', 'active'),
    )
    .select(['e.external_id', 'e.data', 'u.id as user_id'])
    .where('e.integration_id', '=', integrationId)
    .where('e.removed', '=', 0)
    .where('e.external_id', '>', after)
    .orderBy('e.external_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    externalId: r.external_id,
    data: r.data,
    activeUser: r.user_id !== null,
  }));
}

/** True once a round has put at least one row in the integration's mirror. */
export async function mirrorHasRows(db: Db, integrationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('entra_users')
    .select('external_id')
    .where('integration_id', '=', integrationId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The mirror rows of these object ids (a page of users to explain), by object id. */
export async function mirrorRowsByIds(
  db: Db,
  integrationId: string,
  externalIds: readonly string[],
): Promise<Map<string, { data: string; removed: RemovedReason | null; changedAt: string | null }>> {
  const out = new Map<
    string,
    { data: string; removed: RemovedReason | null; changedAt: string | null }
  >();
  for (const list of chunks(externalIds, 500)) {
    const rows = await db
      .selectFrom('entra_users')
      .select([
        'external_id',
        'email',
        'data',
        'removed',
        'removed_reason',
        'invalid_property',
        'changed_at',
      ])
      .where('integration_id', '=', integrationId)
      .where('external_id', 'in', list)
      .execute();
    for (const r of rows) {
      // Scope does not matter to what is shown here: only the removal is read.
      const c = toCandidate({ ...r, in_scope: 1 });
      out.set(r.external_id, { data: c.data, removed: c.removed, changedAt: r.changed_at });
    }
  }
  return out;
}

/**
 * The rows of these object ids that a full round may settle while it still reads Graph
 * (settle-early.ts): changed (`todo = 1`), present, valid, nobody linked to them, and no other
 * present row of the integration carrying the same email.
 */
export async function earlyCandidates(
  db: Db,
  integrationId: string,
  externalIds: readonly string[],
): Promise<CandidateRow[]> {
  const out: CandidateRow[] = [];
  for (const list of chunks(externalIds, 500)) {
    const rows = await db
      .selectFrom('entra_users as e')
      .select([...ROW_COLUMNS, 'e.outcome', 'e.todo', sql<number>`1`.as('in_scope')])
      .where('e.integration_id', '=', integrationId)
      .where('e.external_id', 'in', list)
      .where('e.todo', '=', 1)
      .where('e.removed', '=', 0)
      .where('e.invalid_property', 'is', null)
      .where('e.email', 'is not', null)
      .where(sql<boolean>`not ${IS_LINKED}`)
      .where(sql<boolean>`not ${EMAIL_SHARED}`)
      .orderBy('e.external_id')
      .execute();
    out.push(...rows.map(toCandidate));
  }
  return out;
}

/** Records that `runId` created these rows' users while reading Graph (settled: ok). */
export async function markSettledEarly(
  db: Db,
  integrationId: string,
  runId: string,
  externalIds: readonly string[],
): Promise<void> {
  for (const list of inListChunks(db, externalIds, 500)) {
    await db
      .updateTable('entra_users')
      .set({ outcome: 'ok', todo: 0, settled_run: runId })
      .where('integration_id', '=', integrationId)
      .where('external_id', 'in', list)
      .execute();
  }
}

/**
 * Rows `runId` settled early whose email another present row now carries too (read later in
 * the round): the reconcile at the end decides between them, so their early creation is
 * undone. Returns the rows and the users created for them.
 */
export async function earlyCollisions(
  db: Db,
  integrationId: string,
  runId: string,
): Promise<{ externalId: string; userId: string }[]> {
  const rows = await db
    .selectFrom('entra_users as e')
    .innerJoin('users as u', (j) =>
      j
        .onRef('u.source_integration_id', '=', 'e.integration_id')
        .onRef('u.source_external_id', '=', 'e.external_id'),
    )
    .select(['e.external_id', 'u.id'])
    .where('e.integration_id', '=', integrationId)
    .where('e.settled_run', '=', runId)
    .where(EMAIL_SHARED)
    .execute();
  return rows.map((r) => ({ externalId: r.external_id, userId: r.id }));
}

/** Forgets that these rows were settled early: the reconcile at the end looks at them again. */
export async function unsettle(
  db: Db,
  integrationId: string,
  externalIds: readonly string[],
): Promise<void> {
  for (const list of inListChunks(db, externalIds, 500)) {
    await db
      .updateTable('entra_users')
      .set({ outcome: null, todo: 1, settled_run: null })
      .where('integration_id', '=', integrationId)
      .where('external_id', 'in', list)
      .execute();
  }
}
