/**
 * Pure scheduling decisions: when an integration runs next. No I/O, no clock: callers pass
 * `now`.
 *
 * Every integration has a fixed phase on a grid of its interval (a hash of its id picks the
 * offset), so thousands of integrations are spread evenly over the hour instead of firing
 * on the same second, and each one keeps a stable rhythm: in the steady state a run is due
 * exactly one interval after the previous due time. The grid is re-joined (a gap between
 * half and one and a half intervals) only after the first run, after a pause of the
 * scheduler longer than an interval, or after a back-off.
 */

const MINUTE_MS = 60_000;

/** A newly enabled integration (next run unknown) runs within this window, jittered. */
export const FIRST_RUN_WINDOW_MS = MINUTE_MS;

/** Back-off after consecutive credential failures (1, 2, 3 or more), in minutes. */
export const CREDENTIAL_BACKOFF_MINUTES = [60, 360, 1440] as const;

/** What the schedule of one integration depends on. */
export interface ScheduleInput {
  integrationId: string;
  intervalMinutes: number;
  /** Consecutive runs failed on credentials (wrong secret, unknown app, no consent…). */
  credentialFailures: number;
}

/** Deterministic fraction in [0, 1) from a string (FNV-1a, 32 bits). */
export function stableFraction(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

/** The integration's offset on its interval grid, in ms (stable for a given id and interval). */
export function phaseOffsetMs(integrationId: string, intervalMinutes: number): number {
  return Math.floor(stableFraction(`phase:${integrationId}`) * intervalMinutes * MINUTE_MS);
}

/** The first slot of the integration's grid at or after `from`. */
export function slotAtOrAfter(integrationId: string, intervalMinutes: number, from: Date): Date {
  const interval = intervalMinutes * MINUTE_MS;
  const phase = phaseOffsetMs(integrationId, intervalMinutes);
  const k = Math.ceil((from.getTime() - phase) / interval);
  return new Date(k * interval + phase);
}

/** When a newly enabled integration (no next run stored) runs: soon, jittered per id. */
export function firstRunAt(integrationId: string, now: Date): Date {
  const jitter = Math.floor(stableFraction(`first:${integrationId}`) * FIRST_RUN_WINDOW_MS);
  return new Date(now.getTime() + jitter);
}

/** Minutes to wait after `failures` consecutive credential failures (0 when none). */
export function credentialBackoffMinutes(failures: number): number {
  if (failures <= 0) return 0;
  const i = Math.min(failures, CREDENTIAL_BACKOFF_MINUTES.length) - 1;
  return CREDENTIAL_BACKOFF_MINUTES[i] ?? 0;
}

/** `needs-attention` while runs keep failing on credentials, until the settings change. */
export function scheduleStatus(credentialFailures: number): 'ok' | 'needs-attention' {
  return credentialFailures > 0 ? 'needs-attention' : 'ok';
}

/**
 * The next run time set when the scheduler claims a run that was due at `dueAt` (claimed at
 * `now`). Without credential failures: the next grid slot at least half an interval after
 * the later of the two (exactly `dueAt + interval` when on time). With credential failures:
 * the first slot after the back-off, which is never shorter than the interval. A transient
 * failure (Graph outage) does not count as a credential failure, so it never backs off.
 */
export function nextRunAfterDue(s: ScheduleInput, dueAt: Date, now: Date): Date {
  const base = Math.max(dueAt.getTime(), now.getTime());
  return nextFrom(s, base);
}

/**
 * The next run time when the engine changed `credentialFailures` since the schedule was set
 * (the scheduler sees `schedule_failures <> credential_failures`):
 * - more failures: back off from now (1 h, 6 h, 24 h, never sooner than the interval);
 * - none any more after a successful run: back to the normal rhythm;
 * - none any more because the credentials were changed (the last run failed): run soon, so
 *   an administrator who fixed the secret sees it work within a minute.
 */
export function nextRunAfterFailureChange(
  s: ScheduleInput,
  now: Date,
  lastRunSucceeded: boolean,
): Date {
  if (s.credentialFailures > 0 || lastRunSucceeded) return nextFrom(s, now.getTime());
  return firstRunAt(s.integrationId, now);
}

function nextFrom(s: ScheduleInput, base: number): Date {
  const interval = s.intervalMinutes * MINUTE_MS;
  const backoff = credentialBackoffMinutes(s.credentialFailures) * MINUTE_MS;
  const earliest = backoff > 0 ? base + Math.max(interval, backoff) : base + interval / 2;
  return slotAtOrAfter(s.integrationId, s.intervalMinutes, new Date(earliest));
}
