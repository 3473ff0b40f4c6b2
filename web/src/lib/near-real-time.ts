import type { NearRealTimeStatus } from '../types.ts';

/** "in 2 days", "in 5 hours", "in 3 minutes" (never "in 0"). */
export function inTime(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 120) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} hours`;
  return `in ${Math.round(hours / 24)} days`;
}

/**
 * The integration page's line: "Near-real-time: active, renews in 28 days", or why it is
 * not active and what happens meanwhile (the server's message).
 */
export function nearRealTimeText(status: NearRealTimeStatus, now: Date): string {
  if (status.state === 'active' && status.renewsAt) {
    const left = Date.parse(status.renewsAt) - now.getTime();
    return `Near-real-time: active, renews ${left > 0 ? inTime(left) : 'now'}`;
  }
  const label: Record<NearRealTimeStatus['state'], string> = {
    off: 'off',
    unavailable: 'not available',
    pending: 'setting up',
    active: 'active',
    failing: 'not working',
  };
  return `Near-real-time: ${label[status.state]}. ${status.message}`;
}
