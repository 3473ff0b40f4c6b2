import type { Integration, SecretExpiry } from '../types.ts';

/** The panel warns this many days before and after a secret's expiry (SPEC §2). */
export const WARNING_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The secret-expiry warning for an integration: the server's `secretExpiry` when it sends
 * one, otherwise computed from `secretExpiresAt` (whole days, UTC calendar dates).
 */
export function secretWarning(
  integration: Pick<Integration, 'secretExpiresAt'> & Partial<Pick<Integration, 'secretExpiry'>>,
  now: Date,
): SecretExpiry | null {
  if (integration.secretExpiry !== undefined) return integration.secretExpiry;
  if (!integration.secretExpiresAt) return null;
  const expires = Date.parse(integration.secretExpiresAt.slice(0, 10) + 'T00:00:00Z');
  if (Number.isNaN(expires)) return null;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const days = Math.round((expires - today) / DAY_MS);
  if (days < 0) return -days <= WARNING_DAYS ? { level: 'expired', days: -days } : null;
  return days <= WARNING_DAYS ? { level: 'expiring', days } : null;
}

/** Human text for a warning, e.g. "Secret expires in 12 days". */
export function secretWarningText(warning: SecretExpiry): string {
  if (warning.level === 'expired') {
    return warning.days === 0
      ? 'Secret expired today'
      : `Secret expired ${plural(warning.days, 'day')} ago`;
  }
  return warning.days === 0
    ? 'Secret expires today'
    : `Secret expires in ${plural(warning.days, 'day')}`;
}

/** "1 day", "3 days". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
