import type { Db } from '../db/schema.ts';
import type { Principal } from '../http/types.ts';
import { newSessionToken, tokenHash } from './tokens.ts';

/** Sessions last at most 12 hours from sign-in, however busy. */
export const SESSION_HOURS = 12;

/** Default of SESSION_IDLE_MINUTES: a session unused this long ends. */
export const DEFAULT_SESSION_IDLE_MINUTES = 120;

/**
 * The idle deadline is written at most once a minute per session: every API call would
 * otherwise be a write, and a minute is noise against a two-hour timeout.
 */
const TOUCH_AFTER_MS = 60_000;

export interface SessionPolicy {
  idleMinutes: number;
}

/**
 * Opens a session for an administrator and returns its token. Only the token's SHA-256 is
 * stored, so a leaked database does not leak usable sessions.
 */
export async function createSession(
  db: Db,
  adminId: string,
  now: Date,
  policy: SessionPolicy = { idleMinutes: DEFAULT_SESSION_IDLE_MINUTES },
): Promise<string> {
  const token = newSessionToken();
  const absolute = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
  await db
    .insertInto('sessions')
    .values({
      token_hash: tokenHash(token),
      admin_id: adminId,
      created_at: now.toISOString(),
      expires_at: absolute.toISOString(),
      idle_expires_at: idleDeadline(now, absolute, policy).toISOString(),
    })
    .execute();
  return token;
}

/**
 * The administrator behind a token whose session has neither reached its absolute end nor
 * been idle too long, or undefined. A hit moves the idle deadline forward.
 */
export async function resolveSession(
  db: Db,
  token: string,
  now: Date,
  policy: SessionPolicy = { idleMinutes: DEFAULT_SESSION_IDLE_MINUTES },
): Promise<Principal | undefined> {
  const hash = tokenHash(token);
  const iso = now.toISOString();
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('admins as a', 'a.id', 's.admin_id')
    .select([
      'a.id as adminId',
      'a.org_id as orgId',
      'a.email as email',
      's.expires_at as expiresAt',
      's.idle_expires_at as idleExpiresAt',
    ])
    .where('s.token_hash', '=', hash)
    .where('s.expires_at', '>', iso)
    .where('s.idle_expires_at', '>', iso)
    .executeTakeFirst();
  if (!row) return undefined;
  const next = idleDeadline(now, new Date(row.expiresAt), policy);
  if (next.getTime() - new Date(row.idleExpiresAt).getTime() >= TOUCH_AFTER_MS) {
    await db
      .updateTable('sessions')
      .set({ idle_expires_at: next.toISOString() })
      .where('token_hash', '=', hash)
      .execute();
  }
  return { adminId: row.adminId, orgId: row.orgId, email: row.email };
}

/** Ends the session of this token (no error when it is already gone). */
export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash(token)).execute();
}

/**
 * Ends every session of an administrator except the one with `keepToken` (the caller's
 * own, after a password change). Returns how many were ended.
 */
export async function endOtherSessions(
  db: Db,
  adminId: string,
  keepToken: string | undefined,
): Promise<number> {
  let q = db.deleteFrom('sessions').where('admin_id', '=', adminId);
  if (keepToken !== undefined) q = q.where('token_hash', '<>', tokenHash(keepToken));
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}
/** Ends every session of an administrator ("sign out everywhere"); returns how many. */
export async function deleteAdminSessions(db: Db, adminId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('admin_id', '=', adminId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Removes sessions past their absolute or idle end (daily housekeeping). */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const iso = now.toISOString();
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', iso), eb('idle_expires_at', '<=', iso)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

function idleDeadline(now: Date, absolute: Date, policy: SessionPolicy): Date {
  return new Date(Math.min(now.getTime() + policy.idleMinutes * 60_000, absolute.getTime()));
}
