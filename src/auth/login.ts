import type { Db } from '../db/schema.ts';
import { AppError, UnauthorizedError } from '../errors.ts';
import { findAdminByEmail } from './admins.ts';
import { createHashSlots, type HashSlots } from './hash-slots.ts';
import {
  attemptKeys,
  clearAccountFailures,
  countAddressAttempt,
  DEFAULT_LOGIN_LIMITS,
  pairBlockedFor,
  recordFailure,
  type LoginLimitPolicy,
} from './login-limits.ts';
import { createSession, type SessionPolicy } from './sessions.ts';
import { createVerifyTiming, type VerifyTiming } from './verify-timing.ts';

/** One message for a wrong email and a wrong password: the answer reveals neither. */
export const LOGIN_FAILED_MESSAGE = 'Wrong email or password';

/** A refused attempt (limit reached, or every hashing slot busy); `retryAfter` in seconds. */
export class LoginRefusedError extends AppError {
  constructor(
    readonly retryAfter: number,
    message: string,
  ) {
    super(429, 'rate_limited', message);
  }
}

export interface LoginGuard {
  limits: LoginLimitPolicy;
  slots: HashSlots;
  timing: VerifyTiming;
  session: SessionPolicy;
}

/**
 * Two hashes at a time leave libuv's other two threads to DNS and files; four waiting ones
 * (two hash-times each, ~0.1 s apiece) let a small burst of real sign-ins queue briefly
 * instead of being refused, while keeping any wait well under a second.
 */
export function createLoginGuard(session: SessionPolicy): LoginGuard {
  return {
    limits: DEFAULT_LOGIN_LIMITS,
    slots: createHashSlots(2, 4),
    timing: createVerifyTiming(),
    session,
  };
}

/**
 * Checks an administrator's email and password and opens a session. Throws a 401 with the
 * same message (and about the same time: see verify-timing.ts) whether the email or the
 * password was wrong, and a 429 before any hashing when the account+address or the address
 * limit is reached (login-limits.ts) or every hashing slot is taken (hash-slots.ts).
 */
export async function login(
  db: Db,
  guard: LoginGuard,
  attempt: { email: string; password: string; ip: string },
  now: Date,
): Promise<{ token: string; adminId: string; orgId: string }> {
  const keys = attemptKeys(attempt.ip, attempt.email);
  const wait =
    (await pairBlockedFor(db, keys, now, guard.limits)) ??
    (await countAddressAttempt(db, keys, now, guard.limits));
  if (wait !== undefined) {
    throw new LoginRefusedError(wait, `Too many sign-in attempts: try again in ${wait} s`);
  }
  const admin = await findAdminByEmail(db, attempt.email);
  const checked = await guard.slots.run(() =>
    admin ? guard.timing.verify(attempt.password, admin.passwordHash) : guard.timing.imitate(),
  );
  if (!checked) throw new LoginRefusedError(1, 'The server is busy signing others in: try again');
  if (!admin || !checked.value) {
    await recordFailure(db, keys, now, guard.limits);
    throw new UnauthorizedError(LOGIN_FAILED_MESSAGE);
  }
  await clearAccountFailures(db, keys);
  const token = await createSession(db, admin.id, now, guard.session);
  return { token, adminId: admin.id, orgId: admin.orgId };
}
