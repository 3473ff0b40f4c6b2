import type { IntegrationSettings } from './settings.ts';

/**
 * Settings whose change invalidates what the service knows of the tenant: another tenant,
 * app or cloud is another directory (the delta link belongs to the old one). Mapping settings
 * (unit and user type fields, guests, disabled accounts) need no Graph request: the mirror
 * holds every field, and the reconcile re-applies them (SPEC §5.12).
 */
const FULL_SYNC_FIELDS = [
  'tenantId',
  'applicationId',
  'cloud',
] as const satisfies readonly (keyof IntegrationSettings)[];

/**
 * True when the next run must be full and the stored delta link dropped. Re-enabling also
 * counts: while disabled the delta link may have expired and Entra may have changed in
 * ways a stale round would miss.
 */
export function requiresFullSync(before: IntegrationSettings, after: IntegrationSettings): boolean {
  if (!before.enabled && after.enabled) return true;
  return FULL_SYNC_FIELDS.some((f) => before[f] !== after[f]);
}

/**
 * True when the values used to get a token changed, so earlier credential failures no
 * longer say anything about the next attempt (the "needs attention" state is cleared).
 */
export function credentialsChanged(
  before: IntegrationSettings,
  after: IntegrationSettings,
  secretReplaced: boolean,
): boolean {
  return (
    secretReplaced ||
    before.tenantId !== after.tenantId ||
    before.applicationId !== after.applicationId ||
    before.cloud !== after.cloud
  );
}

/**
 * When the interval shrinks, a run planned under the old (longer) interval is brought
 * forward so the new one takes effect now rather than after, say, a week. Null stays null:
 * scheduling an integration that never ran is the scheduler's decision. An integration
 * backing off after credential failures (`credentialFailures` > 0, the credentials not
 * changed by this save) keeps its back-off (1 h, 6 h, 24 h): a shorter interval must not
 * send a known-bad secret to Microsoft every 5 minutes.
 */
export function rescheduledNextRun(
  nextRunAt: string | null,
  before: IntegrationSettings,
  after: IntegrationSettings,
  now: Date,
  credentialFailures = 0,
): string | null {
  if (
    nextRunAt === null ||
    credentialFailures > 0 ||
    after.syncIntervalMinutes >= before.syncIntervalMinutes
  ) {
    return nextRunAt;
  }
  const latest = new Date(now.getTime() + after.syncIntervalMinutes * 60_000).toISOString();
  return nextRunAt < latest ? nextRunAt : latest;
}

/** Names of the settings that differ, for the audit line in the log (never values). */
export function changedSettings(
  before: IntegrationSettings,
  after: IntegrationSettings,
): (keyof IntegrationSettings)[] {
  // JSON comparison: exclusionRules is a list, equal by value rather than by identity.
  return (Object.keys(after) as (keyof IntegrationSettings)[]).filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
}
