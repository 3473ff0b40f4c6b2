import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Cloud, Db, IntegrationsTable, RunStatus } from '../db/schema.ts';
import { parseStoredRules } from './exclusion-rules.ts';
import { parseStoredGroups } from './scope-groups.ts';
import type { Integration } from './settings.ts';

/**
 * An integration with the sync engine's bookkeeping. Never carries the secret, not even
 * encrypted: `loadCredentials` (service.ts) is the only way to it.
 */
export interface IntegrationRecord extends Integration {
  orgId: string;
  /** Graph deltaLink of the last fully applied round; null until the first full run. */
  deltaLink: string | null;
  /** The next run must be full (new integration, changed tenant/app/cloud, re-enabled). */
  fullSyncRequired: boolean;
  nextRunAt: string | null;
  credentialFailures: number;
  attentionMessage: string | null;
}

/** Every column except the secret, plus whether a secret is stored. */
type IntegrationRow = Omit<
  Selectable<IntegrationsTable>,
  'secret_ciphertext' | 'scope_loaded' | 'group_delta_link' | 'group_delta_groups'
> & {
  secret_set: number;
};

/** Reads integrations without ever selecting `secret_ciphertext` itself. */
function selectIntegrations(db: Db) {
  return db
    .selectFrom('integrations')
    .select([
      'id',
      'org_id',
      'name',
      'application_id',
      'tenant_id',
      'secret_expires_at',
      'unit_field',
      'user_type_field',
      'enabled',
      'cloud',
      'deactivate_disabled_users',
      'include_guests',
      'deletion_threshold',
      'unassignment_threshold',
      'sync_interval_minutes',
      'exclusion_rules',
      'scope_mode',
      'scope_groups',
      'near_real_time',
      'delta_link',
      'full_sync_required',
      'reconciled_config',
      'next_run_at',
      'credential_failures',
      'attention_message',
      'created_at',
      'updated_at',
      sql<number>`case when secret_ciphertext is null then 0 else 1 end`.as('secret_set'),
    ]);
}

function toRecord(row: IntegrationRow): IntegrationRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    applicationId: row.application_id,
    tenantId: row.tenant_id,
    secretSet: Number(row.secret_set) === 1,
    secretExpiresAt: row.secret_expires_at,
    unitField: row.unit_field,
    userTypeField: row.user_type_field,
    enabled: row.enabled === 1,
    cloud: row.cloud,
    deactivateDisabledUsers: row.deactivate_disabled_users === 1,
    includeGuests: row.include_guests === 1,
    deletionThreshold: row.deletion_threshold,
    unassignmentThreshold: row.unassignment_threshold,
    syncIntervalMinutes: row.sync_interval_minutes,
    exclusionRules: parseStoredRules(row.exclusion_rules),
    scopeMode: row.scope_mode,
    scopeGroups: parseStoredGroups(row.scope_groups),
    nearRealTime: row.near_real_time === 1,
    deltaLink: row.delta_link,
    fullSyncRequired: row.full_sync_required === 1,
    nextRunAt: row.next_run_at,
    credentialFailures: row.credential_failures,
    attentionMessage: row.attention_message,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Inserts a new integration row (the secret already sealed by the caller). */
export async function insertIntegration(db: Db, row: Insertable<IntegrationsTable>): Promise<void> {
  await db.insertInto('integrations').values(row).execute();
}

/** The integration `id` if it belongs to `orgId`, else null. */
export async function findIntegration(
  db: Db,
  orgId: string,
  id: string,
): Promise<IntegrationRecord | null> {
  const row = await selectIntegrations(db)
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** The integration `id` in any organisation (workers and the scheduler), else null. */
export async function findIntegrationById(db: Db, id: string): Promise<IntegrationRecord | null> {
  const row = await selectIntegrations(db).where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** The organisation's integrations, by name then id so the list reads stably. */
export async function listIntegrationsOfOrg(db: Db, orgId: string): Promise<IntegrationRecord[]> {
  const rows = await selectIntegrations(db)
    .where('org_id', '=', orgId)
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

/** Writes only the given columns of one integration. */
export async function updateIntegrationRow(
  db: Db,
  id: string,
  changes: Updateable<IntegrationsTable>,
): Promise<void> {
  await db.updateTable('integrations').set(changes).where('id', '=', id).execute();
}

/** What is needed to ask Entra for a token, with the secret still sealed. */
export interface SealedCredentials {
  cloud: Cloud;
  tenantId: string;
  applicationId: string;
  secretCiphertext: string | null;
}

/** Reads the sealed secret and the values that go with it in a token request. */
export async function findSealedCredentials(db: Db, id: string): Promise<SealedCredentials | null> {
  const row = await db
    .selectFrom('integrations')
    .select(['cloud', 'tenant_id', 'application_id', 'secret_ciphertext'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  return {
    cloud: row.cloud,
    tenantId: row.tenant_id,
    applicationId: row.application_id,
    secretCiphertext: row.secret_ciphertext,
  };
}

/** True while a run of this integration is executing (a queued one may simply be dropped). */
export async function hasRunningSync(db: Db, integrationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('sync_runs')
    .select('id')
    .where('integration_id', '=', integrationId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Detaches everything the integration manages in the directory: its users lose their link
 * to Entra and its memberships become manual. Returns how many users were unlinked.
 */
export async function unlinkIntegrationDirectory(
  db: Db,
  orgId: string,
  integrationId: string,
  now: string,
): Promise<number> {
  const users = await db
    .updateTable('users')
    .set({ source_integration_id: null, source_external_id: null, updated_at: now })
    .where('org_id', '=', orgId)
    .where('source_integration_id', '=', integrationId)
    .executeTakeFirst();
  await db
    .updateTable('memberships')
    .set({ managed_by: null })
    .where('managed_by', '=', integrationId)
    .execute();
  return Number(users.numUpdatedRows);
}

/** Deletes the row; entra_users, sync_runs and run_changes go with it (ON DELETE CASCADE). */
export async function deleteIntegrationRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('integrations').where('id', '=', id).execute();
}

/** The newest run of each given integration (one query), keyed by integration id. */
export async function findLastRuns(
  db: Db,
  integrationIds: readonly string[],
): Promise<
  Map<
    string,
    { id: string; status: RunStatus; mode: string; dryRun: boolean; finishedAt: string | null }
  >
> {
  const out = new Map<
    string,
    { id: string; status: RunStatus; mode: string; dryRun: boolean; finishedAt: string | null }
  >();
  if (!integrationIds.length) return out;
  const rows = await db
    .selectFrom('sync_runs as r')
    .select(['r.id', 'r.integration_id', 'r.status', 'r.mode', 'r.dry_run', 'r.finished_at'])
    .where('r.integration_id', 'in', integrationIds)
    .where((eb) =>
      eb(
        'r.queued_at',
        '=',
        eb
          .selectFrom('sync_runs as x')
          .select((x) => x.fn.max('x.queued_at').as('m'))
          .whereRef('x.integration_id', '=', 'r.integration_id'),
      ),
    )
    .execute();
  for (const r of rows) {
    out.set(r.integration_id, {
      id: r.id,
      status: r.status,
      mode: r.mode,
      dryRun: r.dry_run === 1,
      finishedAt: r.finished_at,
    });
  }
  return out;
}

/*
 * The sync engine's reads and writes of integrations, here so that this module stays the
 * table's only owner (the engine asks; it never writes another module's table).
 */

/** The whole row of an integration (sync engine); `orgId` restricts it to one organisation. */
export async function findIntegrationRow(
  db: Db,
  id: string,
  orgId?: string,
): Promise<Selectable<IntegrationsTable> | undefined> {
  let q = db.selectFrom('integrations').selectAll().where('id', '=', id);
  if (orgId !== undefined) q = q.where('org_id', '=', orgId);
  return q.executeTakeFirst();
}

/** An integration that wants a Graph subscription: enabled, near-real-time on (issue 16). */
export interface NearRealTimeIntegration {
  id: string;
  orgId: string;
  /** Tenant, app and cloud: a subscription belongs to them; another one needs a new subscription. */
  ownerKey: string;
}

/** Enabled integrations with near-real-time updates on, whatever the organisation. */
export async function listNearRealTimeIntegrations(db: Db): Promise<NearRealTimeIntegration[]> {
  const rows = await db
    .selectFrom('integrations')
    .select(['id', 'org_id', 'tenant_id', 'application_id', 'cloud'])
    .where('enabled', '=', 1)
    .where('near_real_time', '=', 1)
    .where('secret_ciphertext', 'is not', null)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    orgId: r.org_id,
    ownerKey: `${r.cloud}|${r.tenant_id}|${r.application_id}`,
  }));
}

/** Every integration row of an organisation (impact of a hypothetical configuration). */
export async function listIntegrationRowsOfOrg(
  db: Db,
  orgId: string,
): Promise<Selectable<IntegrationsTable>[]> {
  return db.selectFrom('integrations').selectAll().where('org_id', '=', orgId).execute();
}

/** Enabled integrations of an organisation that have been reconciled at least once. */
export async function listReconciledIntegrationIds(db: Db, orgId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('integrations')
    .select('id')
    .where('org_id', '=', orgId)
    .where('enabled', '=', 1)
    .where('reconciled_config', 'is not', null)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * The end of a Graph round (SPEC §5.1): the delta link moves, a full run is no longer
 * required and credential failures are cleared — only if nobody changed the settings since
 * the run read them (`expectedUpdatedAt`): a new tenant asks for a full run of its own.
 */
export async function commitRound(
  db: Db,
  id: string,
  round: { deltaLink: string | null; expectedUpdatedAt: string },
): Promise<void> {
  await db
    .updateTable('integrations')
    .set({
      ...(round.deltaLink ? { delta_link: round.deltaLink } : {}),
      full_sync_required: 0,
      credential_failures: 0,
      attention_message: null,
    })
    .where('id', '=', id)
    .where('updated_at', '=', round.expectedUpdatedAt)
    .execute();
}

/** The configuration the directory is now reconciled with (sync/reconcile/config.ts). */
export async function saveReconciledConfig(db: Db, id: string, snapshot: string): Promise<void> {
  await db
    .updateTable('integrations')
    .set({ reconciled_config: snapshot })
    .where('id', '=', id)
    .execute();
}

/** A run failed on credentials: counts it and keeps the reason for "needs attention". */
export async function recordCredentialFailure(
  db: Db,
  id: string,
  failures: number,
  message: string,
): Promise<void> {
  await db
    .updateTable('integrations')
    .set({ credential_failures: failures, attention_message: message })
    .where('id', '=', id)
    .execute();
}

/** Where the group scope's membership reading stands (sync/scope/group-scope.ts). */
export async function saveGroupScopeState(
  db: Db,
  integrationId: string,
  s: { loaded: string | null; link: string | null; tracked: string[] | null },
): Promise<void> {
  await db
    .updateTable('integrations')
    .set({
      scope_loaded: s.loaded,
      group_delta_link: s.link,
      group_delta_groups: s.tracked ? JSON.stringify(s.tracked) : null,
    })
    .where('id', '=', integrationId)
    .execute();
}
