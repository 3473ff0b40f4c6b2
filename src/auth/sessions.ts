import type { Db } from '../db/schema.ts';
import type { Principal } from '../http/types.ts';
import { newSessionToken, tokenHash } from './tokens.ts';

/** Sessions last 12 hours from sign-in. */
export const SESSION_HOURS = 12;

/**
 * Opens a session for an administrator and returns its token. Only the token's SHA-256 is
 * stored, so a leaked database does not leak usable sessions. Expired sessions of the same
 * administrator are cleared on the way.
 */
export async function createSession(db: Db, adminId: string, now: Date): Promise<string> {
  const token = newSessionToken();
  await db
    .deleteFrom('sessions')
    .where('admin_id', '=', adminId)
    .where('expires_at', '<=', now.toISOString())
    .execute();
  await db
    .insertInto('sessions')
    .values({
      token_hash: tokenHash(token),
      admin_id: adminId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString(),
    })
    .execute();
  return token;
}

/** The administrator behind a token that has not expired, or undefined. */
export async function resolveSession(
  db: Db,
  token: string,
  now: Date,
): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('admins as a', 'a.id', 's.admin_id')
    .select(['a.id as adminId', 'a.org_id as orgId', 'a.email as email'])
    .where('s.token_hash', '=', tokenHash(token))
    .where('s.expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return row ? { adminId: row.adminId, orgId: row.orgId, email: row.email } : undefined;
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
