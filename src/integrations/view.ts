import type { IntegrationRecord } from './repository.ts';
import { secretExpiryWarning, type SecretExpiryWarning } from './secret-expiry.ts';
import type { Integration } from './settings.ts';

/** An integration as the API and the panel show it: settings, `secretSet`, expiry banner. */
export interface IntegrationView extends Integration {
  secretExpiry: SecretExpiryWarning | null;
}

/**
 * Picks the public fields explicitly (never spreading the record), so bookkeeping columns
 * and anything secret cannot slip into a response by accident.
 */
export function toIntegrationView(record: IntegrationRecord, now: Date): IntegrationView {
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
    syncIntervalMinutes: record.syncIntervalMinutes,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
