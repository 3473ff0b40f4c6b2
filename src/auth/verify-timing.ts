import { setTimeout as sleep } from 'node:timers/promises';
import { dummyPasswordHash, verifyPassword } from './password.ts';

/**
 * Stands in for a password check when the email belongs to no administrator: instead of
 * burning a 32 MiB scrypt on every made-up email, it waits about as long as real checks
 * take (a running average, first calibrated by one real check against a dummy hash). The
 * caller runs it in the same hashing slot as a real check, so under load both answer alike.
 */
export interface VerifyTiming {
  /** Checks a real password, learning how long checks take. */
  verify(password: string, stored: string): Promise<boolean>;
  /** Takes about as long as `verify`, checks nothing, returns false. */
  imitate(): Promise<false>;
}

export function createVerifyTiming(): VerifyTiming {
  let averageMs: number | undefined;
  const observe = (ms: number): void => {
    averageMs = averageMs === undefined ? ms : averageMs * 0.8 + ms * 0.2;
  };
  const timed = async (password: string, stored: string): Promise<boolean> => {
    const started = performance.now();
    const ok = await verifyPassword(password, stored);
    observe(performance.now() - started);
    return ok;
  };
  return {
    verify: timed,
    async imitate() {
      if (averageMs === undefined) {
        await timed('not a password', await dummyPasswordHash());
        return false;
      }
      // ±10 % jitter, like real checks vary.
      await sleep(averageMs * (0.9 + Math.random() * 0.2));
      return false;
    },
  };
}
