import type { Db } from '../db/schema.ts';
import { UnauthorizedError } from '../errors.ts';
import { findAdminByEmail } from './admins.ts';
import { dummyPasswordHash, verifyPassword } from './password.ts';
import { createSession } from './sessions.ts';

/** One message for a wrong email and a wrong password: the answer reveals neither. */
export const LOGIN_FAILED_MESSAGE = 'Wrong email or password';

/**
 * Checks an administrator's email and password and opens a session. Throws a 401 with the
 * same message (and about the same time) whether the email or the password was wrong.
 */
export async function login(
  db: Db,
  credentials: { email: string; password: string },
  now: Date,
): Promise<{ token: string; adminId: string; orgId: string }> {
  const admin = await findAdminByEmail(db, credentials.email);
  const ok = await verifyPassword(
    credentials.password,
    admin?.passwordHash ?? (await dummyPasswordHash()),
  );
  if (!admin || !ok) throw new UnauthorizedError(LOGIN_FAILED_MESSAGE);
  const token = await createSession(db, admin.id, now);
  return { token, adminId: admin.id, orgId: admin.orgId };
}
