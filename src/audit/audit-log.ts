import { newId } from '../db/ids.ts';
import type { AuditActorType, AuditLogTable, Db } from '../db/schema.ts';
import { decodeCursor, encodeCursor } from '../directory/cursor.ts';

/** The only module that reads or writes `audit_log`. */

export interface AuditActor {
  type: AuditActorType;
  /** Administrator or token id; null for an anonymous (failed) sign-in. */
  id: string | null;
  /** Administrator email, token name, or the email an anonymous sign-in tried. */
  label: string;
}

export interface NewAuditEntry {
  orgId: string | null;
  actor: AuditActor;
  ip: string | null;
  action: string;
  method: string;
  path: string;
  status: number;
  target: Record<string, string> | null;
  details: Record<string, unknown>;
}

export interface AuditEntry extends Omit<NewAuditEntry, 'orgId'> {
  id: string;
  occurredAt: string;
}

/** Default and largest page of `GET /audit`. */
export const AUDIT_PAGE_SIZE = 50;
export const MAX_AUDIT_PAGE_SIZE = 200;

export async function recordAudit(db: Db, entry: NewAuditEntry, now: Date): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: newId(),
      org_id: entry.orgId,
      occurred_at: now.toISOString(),
      actor_type: entry.actor.type,
      actor_id: entry.actor.id,
      actor_label: entry.actor.label,
      ip: entry.ip,
      action: entry.action,
      method: entry.method,
      path: entry.path,
      status: entry.status,
      target: entry.target ? JSON.stringify(entry.target) : null,
      details: JSON.stringify(entry.details),
    })
    .execute();
}

function parseObject(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function toEntry(row: AuditLogTable): AuditEntry {
  const target = parseObject(row.target);
  return {
    id: row.id,
    occurredAt: row.occurred_at,
    actor: { type: row.actor_type, id: row.actor_id, label: row.actor_label },
    ip: row.ip,
    action: row.action,
    method: row.method,
    path: row.path,
    status: row.status,
    target: target
      ? Object.fromEntries(Object.entries(target).map(([k, v]) => [k, String(v)]))
      : null,
    details: parseObject(row.details) ?? {},
  };
}

export interface AuditQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
  /** Actor id (administrator or token) or the exact label (an email, a token name). */
  actor?: string | undefined;
  /** Exact action, or a prefix ending in `.` (e.g. `integration.`). */
  action?: string | undefined;
}

/** The organisation's audit entries, newest first, keyset-paged by id. */
export async function listAudit(
  db: Db,
  orgId: string,
  query: AuditQuery,
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const limit = Math.min(query.limit ?? AUDIT_PAGE_SIZE, MAX_AUDIT_PAGE_SIZE);
  let q = db.selectFrom('audit_log').selectAll().where('org_id', '=', orgId);
  if (query.cursor !== undefined) q = q.where('id', '<', decodeCursor(query.cursor));
  const actor = query.actor;
  if (actor !== undefined) {
    q = q.where((eb) => eb.or([eb('actor_id', '=', actor), eb('actor_label', '=', actor)]));
  }
  const action = query.action;
  if (action !== undefined) {
    q = action.endsWith('.')
      ? q.where('action', '>=', action).where('action', '<', `${action.slice(0, -1)}/`)
      : q.where('action', '=', action);
  }
  const rows = await q
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toEntry),
    nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
  };
}

/** Deletes entries older than `before` (ISO); returns how many. Idempotent. */
export async function deleteAuditBefore(db: Db, before: string): Promise<number> {
  const result = await db
    .deleteFrom('audit_log')
    .where('occurred_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
