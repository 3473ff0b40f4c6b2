import type { RunStatus } from '../db/schema.ts';
import type { IntegrationRecord } from './repository.ts';
import { secretExpiryWarning, type SecretExpiryWarning } from './secret-expiry.ts';
import type { Integration } from './settings.ts';

/** An integration as the API and the panel show it: settings, `secretSet`, expiry banner. */
export interface IntegrationView extends Integration {
  secretExpiry: SecretExpiryWarning | null;
  /** When the scheduler will run it next (null: not scheduled, e.g. disabled). */
  nextRunAt: string | null;
  /** `needs-attention` after runs failed on credentials, until the settings change. */
  status: 'ok' | 'needs-attention';
  attentionMessage: string | null;
  lastRun: LastRun | null;
  /** Whether near-real-time updates work right now (null where not computed). */
  nearRealTimeStatus: NearRealTimeStatus | null;
}

/**
 * Near-real-time state as the integration page shows it: `off` (setting off or integration
 * disabled), `unavailable` (no public https URL), `pending` (being set up), `active` (Graph
 * notifies us; renews before `expiresAt`), `failing` (the last attempt failed; retried; the
 * scheduled run continues meanwhile).
 */
export interface NearRealTimeStatus {
  state: 'off' | 'unavailable' | 'pending' | 'active' | 'failing';
  expiresAt: string | null;
  renewsAt: string | null;
  lastNotificationAt: string | null;
  message: string;
}

/** The newest run of an integration, for the list and the form's header. */
export interface LastRun {
  id: string;
  status: RunStatus;
  mode: string;
  dryRun: boolean;
  finishedAt: string | null;
}

/**
 * Picks the public fields explicitly (never spreading the record), so bookkeeping columns
 * and anything secret cannot slip into a response by accident.
 */
export function toIntegrationView(
  record: IntegrationRecord,
  now: Date,
  lastRun: LastRun | null = null,
  nearRealTimeStatus: NearRealTimeStatus | null = null,
): IntegrationView {
  return {
    id: record.id,
    name: record.name,
    applicationId: record.applicationId,
    tenantId: record.tenantId,
    secretSet: record.secretSet,
    secretExpiresAt: record.secretExpiresAt,
    secretExpiry: secretExpiryWarning(record.secretExpiresAt, now),
    unitField: record.unitField,
    userTypeField: record.userTypeField,
    enabled: record.enabled,
    cloud: record.cloud,
    deactivateDisabledUsers: record.deactivateDisabledUsers,
    includeGuests: record.includeGuests,
    deletionThreshold: record.deletionThreshold,
    unassignmentThreshold: record.unassignmentThreshold,
    syncIntervalMinutes: record.syncIntervalMinutes,
    exclusionRules: record.exclusionRules,
    scopeMode: record.scopeMode,
    scopeGroups: record.scopeGroups,
    nearRealTime: record.nearRealTime,
    nearRealTimeStatus,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    nextRunAt: record.enabled ? record.nextRunAt : null,
    status: record.credentialFailures > 0 ? 'needs-attention' : 'ok',
    attentionMessage: record.attentionMessage,
    lastRun,
  };
}
