import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

/**
 * Table types shared by SQLite and PostgreSQL. To keep one query layer for both dialects:
 * - timestamps are ISO-8601 UTC strings (`2026-01-31T12:00:00.000Z`), which sort as text;
 * - booleans are integers 0/1;
 * - structured values are JSON text.
 * Repositories convert rows to domain types explicitly.
 */
export interface Database {
  organizations: OrganizationsTable;
  admins: AdminsTable;
  sessions: SessionsTable;
  login_limits: LoginLimitsTable;
  units: UnitsTable;
  user_types: UserTypesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  membership_user_types: MembershipUserTypesTable;
  integrations: IntegrationsTable;
  entra_users: EntraUsersTable;
  entra_group_members: EntraGroupMembersTable;
  entra_group_members_round: EntraGroupMembersTable;
  entra_scope_users: EntraScopeUsersTable;
  sync_runs: SyncRunsTable;
  run_changes: RunChangesTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  graph_subscriptions: GraphSubscriptionsTable;
}

/** The database handle or an open transaction: repository functions accept either. */
export type Db = Kysely<Database> | Transaction<Database>;

type Bool = number; // 0 | 1
type Iso = string;

export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: Iso;
}

export interface AdminsTable {
  id: string;
  org_id: string;
  /** Lower-case; unique across the whole service because it is the login name. */
  email: string;
  password_hash: string;
  created_at: Iso;
}

export interface SessionsTable {
  /** SHA-256 of the bearer token, hex: the token itself is never stored. */
  token_hash: string;
  admin_id: string;
  created_at: Iso;
  /** Absolute end: SESSION_HOURS after sign-in. */
  expires_at: Iso;
  /** Idle end: moved forward (at most once a minute) while the session is used. */
  idle_expires_at: Iso;
}

/** Sign-in attempt counters in fixed windows; keys are `addr|…` or `pair|…`. */
export interface LoginLimitsTable {
  key: string;
  window_start: Iso;
  /** Attempts (address counter) or failed attempts (account+address counter) in the window. */
  hits: number;
}

export interface UnitsTable {
  id: string;
  org_id: string;
  name: string;
  /** Trimmed, NFC-normalised, lower-cased name used for matching Entra values. */
  name_key: string;
  parent_id: string | null;
  created_at: Iso;
}

export interface UserTypesTable {
  id: string;
  org_id: string;
  name: string;
  name_key: string;
  created_at: Iso;
}

export type UserStatus = 'active' | 'deactivated';
/** `source-out-of-scope`: the user left the integration's scope (group, exclusion rule). */
export type DeactivationReason =
  'admin' | 'source-deleted' | 'source-disabled' | 'source-out-of-scope';

export interface UsersTable {
  id: string;
  org_id: string;
  first_name: string;
  last_name: string;
  /** Lower-case; unique per organisation. */
  email: string;
  status: UserStatus;
  deactivated_at: Iso | null;
  deactivation_reason: DeactivationReason | null;
  purge_after: Iso | null;
  source_integration_id: string | null;
  source_external_id: string | null;
  /**
   * 1 when the user has at least one membership with a user type. Maintained in the same
   * transaction as every membership change so "unassigned" is an indexed lookup.
   */
  assigned: Bool;
  /** "first last email" lower-cased without accents, for the users list search (issue 13). */
  search_key: Generated<string>;
  created_at: Iso;
  updated_at: Iso;
}

export interface MembershipsTable {
  id: string;
  user_id: string;
  unit_id: string;
  /** The integration that manages this membership, or null for a manual one. */
  managed_by: string | null;
  created_at: Iso;
  /**
   * The user's `status` and `assigned`, kept by triggers (migration 100), so a unit's members
   * in one partition of the users list are an id-ordered index range.
   */
  user_status: Generated<UserStatus>;
  user_assigned: Generated<Bool>;
}

export interface MembershipUserTypesTable {
  membership_id: string;
  user_type_id: string;
}

export type Cloud = 'global' | 'usgov' | 'usgovdod' | 'china';
export type MatchField =
  | 'jobTitle'
  | 'companyName'
  | 'department'
  | 'streetAddress'
  | 'state'
  | 'country'
  | 'officeLocation'
  | 'city'
  | 'postalCode'
  | 'employeeType'
  | 'employeeOrgData/division'
  | 'employeeOrgData/costCenter'
  | `onPremisesExtensionAttributes/extensionAttribute${ExtensionAttributeNumber}`;

/** 1…15: `onPremisesExtensionAttributes/extensionAttributeN` is a match field. */
export type ExtensionAttributeNumber =
  1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15;

export type ScopeMode = 'all' | 'groups';

/**
 * A direct member of a tracked group, as group delta reports it (sync/scope); the same shape
 * stages a round read from scratch (`entra_group_members_round`) until it ends.
 */
export interface EntraGroupMembersTable {
  integration_id: string;
  group_id: string;
  member_id: string;
  member_type: 'user' | 'group';
}

/** A user of the chosen groups, transitively: "in scope" (sync/scope). */
export interface EntraScopeUsersTable {
  integration_id: string;
  external_id: string;
}

export interface IntegrationsTable {
  id: string;
  org_id: string;
  name: string;
  application_id: string;
  tenant_id: string;
  /** AES-256-GCM envelope of the client secret (see integrations/secret-box.ts). */
  secret_ciphertext: string | null;
  secret_expires_at: string | null;
  unit_field: MatchField;
  user_type_field: MatchField;
  enabled: Bool;
  cloud: Cloud;
  deactivate_disabled_users: Bool;
  include_guests: Bool;
  deletion_threshold: number;
  /** Managed membership removals above this many are held; null = default (min(100, 10%)), 0 = off. */
  unassignment_threshold: number | null;
  sync_interval_minutes: number;
  /** 1: keep a Graph change-notification subscription so changes trigger a run (issue 16). */
  near_real_time: Generated<Bool>;
  /** JSON list of exclusion rules (integrations/exclusion-rules.ts); `[]` = none. */
  exclusion_rules: Generated<string>;
  /** 'all' (default) or 'groups': only members of `scope_groups` (transitively) are in scope. */
  scope_mode: Generated<ScopeMode>;
  /** JSON [{id, displayName}] of the chosen groups. */
  scope_groups: Generated<string>;
  /** JSON sorted ids of the chosen groups the stored memberships were read for; null = none. */
  scope_loaded: ColumnType<string | null, string | null | undefined, string | null>;
  /** Group delta link of the tracked groups (chosen and nested). */
  group_delta_link: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON sorted ids of the groups `group_delta_link` tracks. */
  group_delta_groups: ColumnType<string | null, string | null | undefined, string | null>;
  /** Graph deltaLink of the last fully applied round; null until the first full run. */
  delta_link: string | null;
  /** 1 when the next run must be full (new integration, changed tenant/app/cloud, re-enabled). */
  full_sync_required: Bool;
  /** JSON of the configuration the directory was last reconciled with (sync/reconcile/config.ts). */
  reconciled_config: string | null;
  next_run_at: Iso | null;
  /** Consecutive runs failed on credentials; drives the back-off and "needs attention". */
  credential_failures: number;
  attention_message: string | null;
  created_at: Iso;
  updated_at: Iso;
}

/** Lifecycle of an integration's Graph subscription (notifications/). */
export type SubscriptionState = 'pending' | 'active' | 'failing';

/**
 * One Graph change-notification subscription per integration (issue 16); owned by
 * notifications/subscriptions-repo.ts.
 */
export interface GraphSubscriptionsTable {
  integration_id: string;
  /** Graph's subscription id; null until one was created. */
  subscription_id: string | null;
  /** AES-256-GCM envelope of the clientState (bound to the integration id), like the secret. */
  client_state_ciphertext: string | null;
  /** The notification URL the subscription was created with: a changed PUBLIC_URL re-creates it. */
  notification_url: string | null;
  /** `cloud|tenant|app` it was created for: another tenant or app needs a new subscription. */
  owner_key: string | null;
  state: SubscriptionState;
  expires_at: Iso | null;
  /** `recreate` (after subscriptionRemoved) or `renew` (reauthorizationRequired), done by the next tick. */
  pending_action: string | null;
  /** Not before this instant may the next create/renew attempt be made (after a failure). */
  retry_at: Iso | null;
  failures: number;
  last_error: string | null;
  /** When a notification asked for a run: the debounce ends then; null = nothing pending. */
  run_due_at: Iso | null;
  last_notification_at: Iso | null;
  updated_at: Iso;
}

/** The mirror: what the service last saw of each Entra user, per integration (SPEC §5.12). */
export interface EntraUsersTable {
  integration_id: string;
  external_id: string;
  /** Lower-case email derived by the mapper, or null when none. */
  email: string | null;
  /** JSON of the Graph user as last seen (selected properties only). */
  data: string;
  /** 1 when Entra reported the user removed (soft or hard). */
  removed: Bool;
  removed_reason: string | null;
  /** The last run whose round saw this user: a full round marks every row it reads. */
  last_run_id: string | null;
  /** 0 settled, 1 changed in Entra since the last reconcile, 2 retried every run. */
  todo: MirrorTodo;
  /** What the last reconcile decided for this row (see sync/reconcile/outcome.ts). */
  outcome: string | null;
  /** Graph last sent this user with this property of the wrong type (values kept from before). */
  invalid_property: string | null;
  /** When Entra last changed the user, as far as the service saw. */
  changed_at: Iso | null;
  /**
   * The full run that created this row's user while it was still reading Graph
   * (sync/reconcile/settle-early.ts): its reconcile at the end of the round skips the row.
   */
  settled_run: string | null;
  updated_at: Iso;
}

export type MirrorTodo = 0 | 1 | 2;

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'held';
/** `reconcile`: no Graph request, the directory re-derived from the mirror (settings changes). */
export type RunMode = 'full' | 'incremental' | 'reconcile';
/** `notification`: a Graph change notification asked for it (issue 16). */
export type RunTrigger = 'manual' | 'schedule' | 'cli' | 'api' | 'settings' | 'notification';

/** Why a run waits on Microsoft Graph before its next attempt. */
export type RunWaitingReason = 'throttled' | 'unavailable';

export interface SyncRunsTable {
  id: string;
  integration_id: string;
  org_id: string;
  trigger: RunTrigger;
  mode: RunMode;
  dry_run: Bool;
  status: RunStatus;
  queued_at: Iso;
  started_at: Iso | null;
  finished_at: Iso | null;
  /** Worker holding the run and when it last proved alive (crash recovery). */
  worker_id: string | null;
  heartbeat_at: Iso | null;
  users_read: Generated<number>;
  pages: Generated<number>;
  created: Generated<number>;
  updated: Generated<number>;
  linked: Generated<number>;
  deactivated: Generated<number>;
  reactivated: Generated<number>;
  unchanged: Generated<number>;
  skipped: Generated<number>;
  unassigned: Generated<number>;
  /** Deactivations held back by the deletion guard. */
  held_deletions: Generated<number>;
  /** Managed membership removals held back by the unassignment guard. */
  held_unassignments: Generated<number>;
  error_code: string | null;
  error_message: string | null;
  /** Free-text notes for the run log (e.g. "delta expired, fell back to full"). */
  notes: string | null;
  /** While the Graph client waits before retrying: `throttled` (429) or `unavailable` (503/504). */
  waiting_reason: RunWaitingReason | null;
  /** When that wait ends (ISO instant). */
  waiting_until: string | null;
}

export interface RunChangesTable {
  seq: Generated<number>;
  run_id: string;
  external_id: string | null;
  user_id: string | null;
  /** create | update | link | relink | deactivate | reactivate | skip | membership | warning | held */
  action: string;
  /** Display label: the Entra user's name / UPN. */
  subject: string;
  /** JSON: {before, after} or {reason}. */
  details: string;
  created_at: ColumnType<Iso, Iso, never>;
}

export type ApiTokenScope = 'read' | 'read-write';

/** API tokens for automation (issue 15): only the SHA-256 of the value is stored. */
export interface ApiTokensTable {
  id: string;
  org_id: string;
  name: string;
  token_hash: string;
  scope: ApiTokenScope;
  /** The administrator who created it; null once that administrator is removed. */
  created_by: string | null;
  created_at: Iso;
  expires_at: Iso;
  last_used_at: Iso | null;
  last_used_ip: string | null;
  revoked_at: Iso | null;
}

export type AuditActorType = 'admin' | 'token' | 'anonymous';

/** One change made by an administrator or a token, or a sign-in (issue 15). Never a secret. */
export interface AuditLogTable {
  /** UUIDv7: ordering by id is ordering by time. */
  id: string;
  /** Null only for failed sign-ins with an unknown email. */
  org_id: string | null;
  occurred_at: Iso;
  actor_type: AuditActorType;
  actor_id: string | null;
  /** Administrator email, token name, or the email tried by an anonymous sign-in. */
  actor_label: string;
  ip: string | null;
  /** e.g. `integration.updated`, `sync.started`, `auth.login-failed`. */
  action: string;
  method: string;
  /** The route pattern, e.g. `/api/v1/users/:id` (ids are in `target`). */
  path: string;
  status: number;
  /** JSON of the route's path parameters and created id, e.g. `{"id":"…"}`. */
  target: string | null;
  /** JSON: field names sent (never values, except booleans), and route-specific facts. */
  details: string;
}
