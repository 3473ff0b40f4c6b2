/** How close a client secret is to (or past) its expiry date, for the admin panel banner. */
export interface SecretExpiryWarning {
  /** `expiring`: expires today or within the window; `expired`: the date has passed. */
  level: 'expired' | 'expiring';
  /** Days until expiry (`expiring`, 0 = today) or since expiry (`expired`, ≥ 1). */
  days: number;
}

/** SPEC §2: the panel warns 30 days before and 30 days after the secret's expiry date. */
export const SECRET_EXPIRY_WINDOW_DAYS = 30;

const DAY_MS = 86_400_000;

/**
 * Decides whether to warn about the client secret's expiry. Dates are calendar days in UTC:
 * a secret that "expires on" 2026-03-01 is still `expiring` (0 days) on that day and
 * `expired` (1 day) on 2026-03-02. Outside the window, or with no date, there is nothing
 * to say.
 */
export function secretExpiryWarning(
  expiresAt: string | null,
  now: Date,
): SecretExpiryWarning | null {
  if (expiresAt === null) return null;
  const expiry = Date.parse(`${expiresAt}T00:00:00.000Z`);
  if (Number.isNaN(expiry)) return null;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const diff = Math.round((expiry - today) / DAY_MS);
  if (diff >= 0 && diff <= SECRET_EXPIRY_WINDOW_DAYS) return { level: 'expiring', days: diff };
  if (diff < 0 && -diff <= SECRET_EXPIRY_WINDOW_DAYS) return { level: 'expired', days: -diff };
  return null;
}
