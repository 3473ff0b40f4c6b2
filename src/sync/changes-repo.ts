import { sql } from 'kysely';
import type { Db } from '../db/schema.ts';
import type { ChangeDetails } from './change-details.ts';

/** One line of a run's per-user change log, as the API returns it. */
export interface RunChange {
  seq: number;
  action: string;
  subject: string;
  externalId: string | null;
  userId: string | null;
  /** See change-details.ts; a row that cannot be read is `{ raw }`. */
  details: ChangeDetails | { raw: string };
  createdAt: string;
}

/** What the change log is filtered by: one action, and text in the user's name or email. */
export interface ChangeFilter {
  action?: string | undefined;
  q?: string | undefined;
}

/**
 * A cursor names the phase and the last seq read: `h12` within the held rows, `12` within the
 * others. Held rows come first (issue 17): they are what an administrator must decide on, and
 * must not sit on page 7 behind hundreds of skips.
 */
export const CHANGE_CURSOR = /^h?\d{1,15}$/;

/**
 * A page of a run's change log: held rows first, then the others, each in the order written.
 * With an `action` filter there is one phase. `q` matches the subject (name and email), case
 * insensitive, anywhere in it.
 */
export async function listRunChanges(
  db: Db,
  runId: string,
  limit: number,
  cursor: string | null,
  filter: ChangeFilter = {},
): Promise<{ items: RunChange[]; nextCursor: string | null }> {
  const heldPhase = filter.action === undefined && (cursor === null || cursor.startsWith('h'));
  const after = cursor === null ? 0 : Number(cursor.replace(/^h/, ''));
  const page = async (held: boolean | null, afterSeq: number, n: number) => {
    let q = db
      .selectFrom('run_changes')
      .selectAll()
      .where('run_id', '=', runId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(n);
    if (filter.action !== undefined) q = q.where('action', '=', filter.action);
    else if (held !== null) q = q.where('action', held ? '=' : '<>', 'held');
    const text = filter.q?.trim().toLowerCase();
    if (text) q = q.where(sql<boolean>`lower(subject) like ${`%${escapeLike(text)}%`} escape '!'`);
    return q.execute();
  };
  let rows: (Awaited<ReturnType<typeof page>>[number] & { phase: 'h' | '' })[] = [];
  if (heldPhase) {
    rows = (await page(true, after, limit + 1)).map((r) => ({ ...r, phase: 'h' as const }));
    if (rows.length <= limit) {
      const rest = await page(false, 0, limit + 1 - rows.length);
      rows.push(...rest.map((r) => ({ ...r, phase: '' as const })));
    }
  } else {
    rows = (await page(filter.action === undefined ? false : null, after, limit + 1)).map((r) => ({
      ...r,
      phase: '' as const,
    }));
  }
  const shown = rows.slice(0, limit);
  const items = shown.map((r) => ({
    seq: r.seq,
    action: r.action,
    subject: r.subject,
    externalId: r.external_id,
    userId: r.user_id,
    details: safeJson(r.details),
    createdAt: r.created_at,
  }));
  const last = shown[shown.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? `${last.phase}${last.seq}` : null,
  };
}

/** Escapes LIKE's wildcards with `!` (the same on SQLite and PostgreSQL). */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

function safeJson(text: string): ChangeDetails | { raw: string } {
  try {
    return JSON.parse(text) as ChangeDetails;
  } catch {
    return { raw: text };
  }
}
