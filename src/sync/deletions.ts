import { sql } from 'kysely';
import type { Db, DeactivationReason, SeenExclusion } from '../db/schema.ts';
import { deactivationSet, insertChangeRows, type ChangeRow } from './apply.ts';

/** A linked platform user whose Entra user is gone or out of scope at the end of a round. */
export interface DeactivationCandidate {
  userId: string;
  externalId: string;
  subject: string;
  reason: DeactivationReason;
  why: string;
}

export interface RoundScope {
  runId: string;
  integrationId: string;
  /** Full rounds also deactivate linked users the round never saw. */
  full: boolean;
  /** Previews record what they saw in run_seen; real runs mark entra_users. */
  dryRun: boolean;
}

const WHY: Record<SeenExclusion, string> = {
  'removed-changed': 'deleted in Entra (restorable from deleted items)',
  'removed-deleted': 'permanently deleted in Entra',
  guest: 'guest account, and "Include guests" is off',
  disabled: 'account disabled in Entra',
};

function reasonOf(exclusion: SeenExclusion | null): DeactivationReason {
  return exclusion === 'disabled' ? 'source-disabled' : 'source-deleted';
}

/** Linked, active users of the integration whose Entra user this run saw out of scope. */
async function excludedPage(db: Db, scope: RoundScope, afterUserId: string, limit: number) {
  const base = db
    .selectFrom('users as u')
    .select(['u.id', 'u.source_external_id', 'u.first_name', 'u.last_name', 'u.email'])
    .where('u.source_integration_id', '=', scope.integrationId)
    .where('u.status', '=', 'active')
    .where('u.id', '>', afterUserId)
    .orderBy('u.id')
    .limit(limit);
  if (scope.dryRun) {
    return base
      .innerJoin('run_seen as s', 's.external_id', 'u.source_external_id')
      .select('s.exclusion')
      .where('s.run_id', '=', scope.runId)
      .where('s.exclusion', 'is not', null)
      .execute();
  }
  return base
    .innerJoin('entra_users as s', (j) =>
      j
        .onRef('s.external_id', '=', 'u.source_external_id')
        .on('s.integration_id', '=', scope.integrationId),
    )
    .select('s.exclusion')
    .where('s.last_run_id', '=', scope.runId)
    .where('s.exclusion', 'is not', null)
    .execute();
}

/** Linked, active users of the integration that this (full) run did not see at all. */
async function unseenPage(db: Db, scope: RoundScope, afterUserId: string, limit: number) {
  return db
    .selectFrom('users as u')
    .select(['u.id', 'u.source_external_id', 'u.first_name', 'u.last_name', 'u.email'])
    .where('u.source_integration_id', '=', scope.integrationId)
    .where('u.status', '=', 'active')
    .where('u.id', '>', afterUserId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          scope.dryRun
            ? selectFrom('run_seen as s')
                .select(sql`1`.as('one'))
                .where('s.run_id', '=', scope.runId)
                .whereRef('s.external_id', '=', 'u.source_external_id')
            : selectFrom('entra_users as s')
                .select(sql`1`.as('one'))
                .where('s.integration_id', '=', scope.integrationId)
                .whereRef('s.external_id', '=', 'u.source_external_id')
                .where('s.last_run_id', '=', scope.runId),
        ),
      ),
    )
    .orderBy('u.id')
    .limit(limit)
    .execute();
}

/** Whether the run saw any user out of scope: most incremental runs saw none. */
async function sawExclusions(db: Db, scope: RoundScope): Promise<boolean> {
  const row = scope.dryRun
    ? await db
        .selectFrom('run_seen')
        .select('external_id')
        .where('run_id', '=', scope.runId)
        .where('exclusion', 'is not', null)
        .limit(1)
        .executeTakeFirst()
    : await db
        .selectFrom('entra_users')
        .select('external_id')
        .where('integration_id', '=', scope.integrationId)
        .where('last_run_id', '=', scope.runId)
        .where('exclusion', 'is not', null)
        .limit(1)
        .executeTakeFirst();
  return row !== undefined;
}

/**
 * One page (by user id) of deactivation candidates, so a round never holds them all in
 * memory. Incremental rounds only look at what the run saw out of scope (and skip even that
 * query when it saw nothing); full rounds also find linked users the run did not see.
 */
export async function candidatesPage(
  db: Db,
  scope: RoundScope,
  afterUserId: string,
  limit: number,
): Promise<DeactivationCandidate[]> {
  const excluded = (await sawExclusions(db, scope))
    ? await excludedPage(db, scope, afterUserId, limit)
    : [];
  const out: DeactivationCandidate[] = excluded.map((r) => ({
    userId: r.id,
    externalId: r.source_external_id ?? '',
    subject: `${r.first_name} ${r.last_name} <${r.email}>`,
    reason: reasonOf(r.exclusion),
    why: r.exclusion ? WHY[r.exclusion] : 'gone from Entra',
  }));
  if (scope.full) {
    for (const r of await unseenPage(db, scope, afterUserId, limit)) {
      out.push({
        userId: r.id,
        externalId: r.source_external_id ?? '',
        subject: `${r.first_name} ${r.last_name} <${r.email}>`,
        reason: 'source-deleted',
        why: 'no longer in Entra (not seen by a full synchronisation)',
      });
    }
    out.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  }
  return out.slice(0, limit);
}

/** Walks every candidate in id order, a page at a time. */
export async function* allCandidates(
  db: Db,
  scope: RoundScope,
  pageSize = 1000,
): AsyncGenerator<DeactivationCandidate[]> {
  let after = '';
  for (;;) {
    const page = await candidatesPage(db, scope, after, pageSize);
    if (!page.length) return;
    yield page;
    after = page[page.length - 1]?.userId ?? after;
  }
}

/** Deactivates the candidates and logs each one; users no longer active are left alone. */
export async function deactivate(
  db: Db,
  runId: string,
  candidates: readonly DeactivationCandidate[],
  now: Date,
  retentionDays: number,
): Promise<number> {
  const rows: ChangeRow[] = [];
  for (const c of candidates) {
    const res = await db
      .updateTable('users')
      .set(deactivationSet(c.reason, now, retentionDays))
      .where('id', '=', c.userId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) continue;
    rows.push({
      externalId: c.externalId,
      userId: c.userId,
      action: 'deactivate',
      subject: c.subject,
      details: { reason: c.why, deactivationReason: c.reason },
    });
  }
  await insertChangeRows(db, runId, rows, now.toISOString());
  return rows.length;
}

/**
 * Logs candidates without deactivating them: `held` by the deletion guard (applied on
 * approval), or `deactivate` in a preview.
 */
export async function recordCandidates(
  db: Db,
  runId: string,
  action: 'held' | 'deactivate',
  candidates: readonly DeactivationCandidate[],
  now: string,
): Promise<void> {
  await insertChangeRows(
    db,
    runId,
    candidates.map((c) => ({
      externalId: c.externalId,
      userId: c.userId,
      action,
      subject: c.subject,
      details: { reason: c.why, deactivationReason: c.reason },
    })),
    now,
  );
}
