import { newId } from '../db/ids.ts';
import type { Kysely, Updateable } from 'kysely';
import { iso, type Clock } from '../clock.ts';
import type { Cloud, Database, Db, IntegrationsTable, ScopeMode } from '../db/schema.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Logger } from '../log.ts';
import {
  deleteIntegrationRow,
  findIntegration,
  findIntegrationById,
  findSealedCredentials,
  hasRunningSync,
  insertIntegration,
  listIntegrationsOfOrg,
  unlinkIntegrationDirectory,
  updateIntegrationRow,
  type IntegrationRecord,
} from './repository.ts';
import type { SecretBox } from './secret-box.ts';
import {
  mergeSettings,
  parseCreateIntegration,
  parseIntegrationPatch,
  type CreateIntegrationRequest,
  type IntegrationPatchRequest,
  type IntegrationSettings,
} from './settings.ts';
import {
  changedSettings,
  credentialsChanged,
  requiresFullSync,
  rescheduledNextRun,
} from './sync-impact.ts';

/** What the integration service needs from the process (an AppContext fits). */
export interface IntegrationDeps {
  db: Kysely<Database>;
  secretBox: SecretBox;
  clock: Clock;
  log: Logger;
}

/** The values a token request needs, with the secret decrypted. Keep it out of logs. */
export interface IntegrationCredentials {
  cloud: Cloud;
  tenantId: string;
  applicationId: string;
  secret: string;
}

/**
 * Creates an integration in the organisation. The request is validated here (whoever calls)
 * and the secret is sealed before it reaches the database. The first run will be full.
 */
export async function createIntegration(
  deps: IntegrationDeps,
  orgId: string,
  request: CreateIntegrationRequest,
): Promise<IntegrationRecord> {
  const input = parseCreateIntegration(request);
  const id = newId();
  const now = iso(deps.clock.now());
  await insertIntegration(deps.db, {
    id,
    org_id: orgId,
    ...settingsColumns(input),
    // The integration id is bound to the ciphertext: copied to another row it won't open.
    secret_ciphertext: deps.secretBox.seal(input.secret, id),
    delta_link: null,
    full_sync_required: 1,
    reconciled_config: null,
    next_run_at: null,
    credential_failures: 0,
    attention_message: null,
    created_at: now,
    updated_at: now,
  });
  deps.log.info({ integrationId: id, orgId, enabled: input.enabled }, 'integration created');
  return mustExist(await findIntegrationById(deps.db, id));
}

/** The organisation's integrations. */
export async function listIntegrations(db: Db, orgId: string): Promise<IntegrationRecord[]> {
  return listIntegrationsOfOrg(db, orgId);
}

/** The integration if it belongs to the organisation; NotFoundError otherwise (no leak). */
export async function getIntegration(
  db: Db,
  orgId: string,
  id: string,
): Promise<IntegrationRecord> {
  const found = await findIntegration(db, orgId, id);
  if (!found) throw new NotFoundError('Integration');
  return found;
}

/** The integration in any organisation, for workers and the scheduler; null if deleted. */
export async function getIntegrationById(db: Db, id: string): Promise<IntegrationRecord | null> {
  return findIntegrationById(db, id);
}

/**
 * Applies a PATCH. `secret` replaces only the secret; leaving it out keeps it. Cross-field
 * rules are checked on the merged settings. A change that invalidates the sync state
 * (see sync-impact.ts) drops the delta link so the next run is full.
 */
export async function updateIntegration(
  deps: IntegrationDeps,
  orgId: string,
  id: string,
  request: IntegrationPatchRequest,
): Promise<IntegrationRecord> {
  const patch = parseIntegrationPatch(request);
  return deps.db.transaction().execute(async (trx) => {
    const before = await getIntegration(trx, orgId, id);
    const after = mergeSettings(before, patch);
    const changed = changedSettings(before, after);
    const secretReplaced = patch.secret !== undefined;
    if (changed.length === 0 && !secretReplaced) return before;

    // Only the columns that changed are written, so two admins editing different fields
    // at the same time do not undo each other.
    const all = settingsColumns(after);
    const changes: Updateable<IntegrationsTable> = { updated_at: iso(deps.clock.now()) };
    for (const field of changed) Object.assign(changes, pickColumn(all, field));
    if (patch.secret !== undefined)
      changes.secret_ciphertext = deps.secretBox.seal(patch.secret, id);
    if (requiresFullSync(before, after)) {
      changes.full_sync_required = 1;
      changes.delta_link = null;
    }
    const newCredentials = credentialsChanged(before, after, secretReplaced);
    if (newCredentials) {
      changes.credential_failures = 0;
      changes.attention_message = null;
    }
    const nextRunAt = rescheduledNextRun(
      before.nextRunAt,
      before,
      after,
      deps.clock.now(),
      newCredentials ? 0 : before.credentialFailures,
    );
    if (nextRunAt !== before.nextRunAt) changes.next_run_at = nextRunAt;

    await updateIntegrationRow(trx, id, changes);
    // Field names only: values (and above all the secret) stay out of the log.
    deps.log.info(
      {
        integrationId: id,
        orgId,
        changed,
        secretReplaced,
        fullSyncRequired: changes.full_sync_required === 1,
      },
      'integration updated',
    );
    return mustExist(await findIntegrationById(trx, id));
  });
}

/**
 * Deletes an integration but keeps the people it brought in: removing a connection must
 * not delete anyone. In one transaction its users are unlinked (they become ordinary
 * platform users an administrator manages by hand, deactivated ones keep their purge date),
 * its managed memberships become manual ones, and the row goes with its Entra snapshot and
 * run history. Refused while a run executes, because that run would link users again.
 */
export async function deleteIntegration(
  deps: IntegrationDeps,
  orgId: string,
  id: string,
): Promise<void> {
  const unlinked = await deps.db.transaction().execute(async (trx) => {
    await getIntegration(trx, orgId, id);
    if (await hasRunningSync(trx, id)) {
      throw new ConflictError(
        'sync_running',
        'A synchronisation of this integration is running: wait for it to finish, then delete',
      );
    }
    const count = await unlinkIntegrationDirectory(trx, orgId, id, iso(deps.clock.now()));
    await deleteIntegrationRow(trx, id);
    return count;
  });
  deps.log.info({ integrationId: id, orgId, unlinkedUsers: unlinked }, 'integration deleted');
}

/**
 * The decrypted credentials for a token request, or null when the integration is gone or
 * has no secret. Throws SecretUnreadableError when the stored secret cannot be decrypted.
 */
export async function loadCredentials(
  db: Db,
  secretBox: SecretBox,
  id: string,
): Promise<IntegrationCredentials | null> {
  const sealed = await findSealedCredentials(db, id);
  if (!sealed || sealed.secretCiphertext === null) return null;
  return {
    cloud: sealed.cloud,
    tenantId: sealed.tenantId,
    applicationId: sealed.applicationId,
    secret: secretBox.open(sealed.secretCiphertext, id),
  };
}

// `exclusion_rules` has a database default, hence Generated in the table type: written here
// always, as plain text.
type SettingsColumns = {
  exclusion_rules: string;
  scope_mode: ScopeMode;
  scope_groups: string;
  near_real_time: number;
} & Pick<
  IntegrationsTable,
  | 'name'
  | 'application_id'
  | 'tenant_id'
  | 'secret_expires_at'
  | 'unit_field'
  | 'user_type_field'
  | 'enabled'
  | 'cloud'
  | 'deactivate_disabled_users'
  | 'include_guests'
  | 'deletion_threshold'
  | 'unassignment_threshold'
  | 'sync_interval_minutes'
>;

const COLUMN_OF: Record<keyof IntegrationSettings, keyof SettingsColumns> = {
  name: 'name',
  applicationId: 'application_id',
  tenantId: 'tenant_id',
  secretExpiresAt: 'secret_expires_at',
  unitField: 'unit_field',
  userTypeField: 'user_type_field',
  enabled: 'enabled',
  cloud: 'cloud',
  deactivateDisabledUsers: 'deactivate_disabled_users',
  includeGuests: 'include_guests',
  deletionThreshold: 'deletion_threshold',
  unassignmentThreshold: 'unassignment_threshold',
  syncIntervalMinutes: 'sync_interval_minutes',
  exclusionRules: 'exclusion_rules',
  scopeMode: 'scope_mode',
  scopeGroups: 'scope_groups',
  nearRealTime: 'near_real_time',
};

function settingsColumns(s: IntegrationSettings): SettingsColumns {
  return {
    name: s.name,
    application_id: s.applicationId,
    tenant_id: s.tenantId,
    secret_expires_at: s.secretExpiresAt,
    unit_field: s.unitField,
    user_type_field: s.userTypeField,
    enabled: s.enabled ? 1 : 0,
    cloud: s.cloud,
    deactivate_disabled_users: s.deactivateDisabledUsers ? 1 : 0,
    include_guests: s.includeGuests ? 1 : 0,
    deletion_threshold: s.deletionThreshold,
    unassignment_threshold: s.unassignmentThreshold,
    sync_interval_minutes: s.syncIntervalMinutes,
    exclusion_rules: JSON.stringify(s.exclusionRules),
    scope_mode: s.scopeMode,
    scope_groups: JSON.stringify(s.scopeGroups),
    near_real_time: s.nearRealTime ? 1 : 0,
  };
}

function pickColumn(
  all: SettingsColumns,
  field: keyof IntegrationSettings,
): Partial<SettingsColumns> {
  const column = COLUMN_OF[field];
  return { [column]: all[column] };
}

function mustExist(record: IntegrationRecord | null): IntegrationRecord {
  // Just written in the same connection or transaction: absence is a bug, not a 404.
  if (!record) throw new Error('integration vanished right after it was written');
  return record;
}
