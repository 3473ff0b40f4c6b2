/**
 * Display helpers, the one place the panel formats what it shows: dates in the admin's local
 * time with the time zone named, one sortable layout everywhere, and counts with thousands
 * separators ("2,714").
 */

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * `2025-11-26 14:05 UTC` in local time with the zone's short name (`CET`, `GMT+1`), or an em
 * dash for missing/invalid values. The zone is named because the server, the logs and a
 * colleague elsewhere may not share the reader's.
 */
export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-GB', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
}

/** `2,714`: every count the panel shows, one separator style whatever the browser's locale. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-GB');
}

/** `2025-11-26` (local calendar date), or an em dash. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** How long a run took, e.g. "1 min 05 s"; empty when not finished. */
export function formatDuration(startIso: string | null, endIso: string | null): string {
  if (!startIso || !endIso) return '';
  const ms = Date.parse(endIso) - Date.parse(startIso);
  if (!Number.isFinite(ms) || ms < 0) return '';
  // "0 s" reads like nothing happened; small runs do finish within a second.
  if (ms < 1000) return 'under 1 s';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${pad(seconds % 60)} s`;
}

/** "Ada Lovelace", falling back to the email when both names are blank. */
export function fullName(user: { firstName: string; lastName: string; email: string }): string {
  const name = `${user.firstName} ${user.lastName}`.trim();
  return name || user.email;
}
