import { isIPv6 } from 'node:net';
import type { Db } from '../db/schema.ts';

/**
 * Sign-in attempt limits, kept in the database (table `login_limits`) so that every process
 * of a deployment shares them and no number of distinct emails can push a counter out (a
 * row is removed only once its window has passed).
 *
 * Two counters in fixed windows:
 * - per client address (`addr|…`; an IPv6 address counts by its /64, which one subscriber
 *   usually owns whole): every attempt, counted before any hashing with one atomic upsert,
 *   so a flood from one address is refused after the limit however fast it sends;
 * - per account and address (`pair|…`): failed guesses on one account from one address.
 *
 * There is deliberately no counter per account alone: it would let anyone lock an
 * administrator out by failing on purpose. Guesses from another address never touch the
 * administrator's own counters.
 */
export interface LoginLimitPolicy {
  windowMs: number;
  /** Attempts (failed or not) per client address per window. */
  perAddress: number;
  /** Failed attempts per account and client address per window. */
  perAccountAddress: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimitPolicy = {
  windowMs: 15 * 60_000,
  perAddress: 50,
  perAccountAddress: 10,
};

/** The counter keys of one attempt. */
export interface AttemptKeys {
  address: string;
  pair: string;
}

export function attemptKeys(ip: string, email: string): AttemptKeys {
  const address = addressKey(ip);
  return { address: `addr|${address}`, pair: `pair|${address}|${email.trim().toLowerCase()}` };
}

/** An IPv4 address as is; an IPv6 address by its /64 prefix. */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(ip)) return ip;
  return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(ip: string): string[] {
  const [head = '', tail] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0');
  return [...left, ...zeros, ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

/**
 * Seconds until the account+address counter's window ends when it is full, or undefined
 * when the attempt may go ahead.
 */
export async function pairBlockedFor(
  db: Db,
  keys: AttemptKeys,
  now: Date,
  policy: LoginLimitPolicy = DEFAULT_LOGIN_LIMITS,
): Promise<number | undefined> {
  const since = new Date(now.getTime() - policy.windowMs).toISOString();
  const row = await db
    .selectFrom('login_limits')
    .select(['window_start', 'hits'])
    .where('key', '=', keys.pair)
    .where('window_start', '>', since)
    .executeTakeFirst();
  if (!row || row.hits < policy.perAccountAddress) return undefined;
  return secondsLeft(row.window_start, now, policy);
}

/**
 * Counts an attempt from the client address; returns the seconds to wait when this attempt
 * is over the address's limit, else undefined. Increment-then-check in one statement, so
 * concurrent attempts from many processes cannot all slip under the limit.
 */
export async function countAddressAttempt(
  db: Db,
  keys: AttemptKeys,
  now: Date,
  policy: LoginLimitPolicy = DEFAULT_LOGIN_LIMITS,
): Promise<number | undefined> {
  const row = await bump(db, keys.address, now, policy);
  return row.hits > policy.perAddress ? secondsLeft(row.window_start, now, policy) : undefined;
}

/** Counts a failed guess on the account from this address. */
export async function recordFailure(
  db: Db,
  keys: AttemptKeys,
  now: Date,
  policy: LoginLimitPolicy = DEFAULT_LOGIN_LIMITS,
): Promise<void> {
  await bump(db, keys.pair, now, policy);
}

/**
 * Adds one to a counter with one atomic upsert, so processes racing on the same key never
 * lose a count; a counter whose window has passed starts again at 1.
 */
async function bump(
  db: Db,
  key: string,
  now: Date,
  policy: LoginLimitPolicy,
): Promise<{ window_start: string; hits: number }> {
  const iso = now.toISOString();
  const since = new Date(now.getTime() - policy.windowMs).toISOString();
  return db
    .insertInto('login_limits')
    .values({ key, window_start: iso, hits: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        hits: eb
          .case()
          .when('login_limits.window_start', '<=', since)
          .then(1)
          .else(eb('login_limits.hits', '+', 1))
          .end(),
        window_start: eb
          .case()
          .when('login_limits.window_start', '<=', since)
          .then(iso)
          .else(eb.ref('login_limits.window_start'))
          .end(),
      })),
    )
    .returning(['window_start', 'hits'])
    .executeTakeFirstOrThrow();
}

function secondsLeft(windowStart: string, now: Date, policy: LoginLimitPolicy): number {
  const ends = new Date(windowStart).getTime() + policy.windowMs;
  return Math.max(1, Math.ceil((ends - now.getTime()) / 1000));
}

/** A successful sign-in clears its account+address counter (not the address's). */
export async function clearAccountFailures(db: Db, keys: AttemptKeys): Promise<void> {
  await db.deleteFrom('login_limits').where('key', '=', keys.pair).execute();
}

/** Removes counters whose window has passed (daily housekeeping). */
export async function deleteStaleLoginLimits(
  db: Db,
  now: Date,
  policy: LoginLimitPolicy = DEFAULT_LOGIN_LIMITS,
): Promise<number> {
  const since = new Date(now.getTime() - policy.windowMs).toISOString();
  const result = await db
    .deleteFrom('login_limits')
    .where('window_start', '<=', since)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
