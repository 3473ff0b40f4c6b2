/**
 * Shapes of the REST API (SPEC §6) as the panel reads them. Fields marked optional may be
 * missing from older servers: every screen renders without them.
 */
import { MATCH_FIELDS } from '../../src/integrations/match-fields.ts';

/**
 * The Entra user properties an integration can match units and user types on: the server's
 * own list (a plain constant module, so the panel bundles nothing else from the server).
 */
export { MATCH_FIELDS };
export type MatchField = (typeof MATCH_FIELDS)[number];

/** What an exclusion rule may test: the match fields and a few account properties. */
export const RULE_FIELDS = [
  'userType',
  'accountEnabled',
  'mail',
  'mailDomain',
  'userPrincipalName',
  ...MATCH_FIELDS,
] as const;
export type RuleField = (typeof RULE_FIELDS)[number];
export const RULE_OPERATORS = ['equals', 'startsWith', 'endsWith'] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

/** A chosen scope group (its name as the picker showed it). */
export interface ScopeGroup {
  id: string;
  displayName: string;
}

/** A group found by the picker, with its users (nested groups included). */
export interface FoundGroup extends ScopeGroup {
  memberCount: number;
}

/** A user whose field equals / starts with / ends with the value is out of scope. */
export interface ExclusionRule {
  field: RuleField;
  operator: RuleOperator;
  value: string;
}

export const CLOUDS = ['global', 'usgov', 'usgovdod', 'china'] as const;
export type Cloud = (typeof CLOUDS)[number];

export interface Session {
  email: string;
  organization: { id: string; name: string };
}

export interface SecretExpiry {
  level: 'expired' | 'expiring';
  days: number;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'held';

/** The newest run of an integration, as the integration list carries it. */
export interface RunSummary {
  id: string;
  status: RunStatus;
  mode: string;
  dryRun: boolean;
  finishedAt: string | null;
}

export interface Integration {
  id: string;
  name: string;
  applicationId: string;
  tenantId: string;
  secretSet: boolean;
  secretExpiresAt: string | null;
  secretExpiry?: SecretExpiry | null;
  unitField: MatchField;
  userTypeField: MatchField;
  enabled: boolean;
  cloud: Cloud;
  deactivateDisabledUsers: boolean;
  includeGuests: boolean;
  deletionThreshold: number;
  /** null = the default: 100 users or 10% of the linked users, whichever is lower. */
  unassignmentThreshold: number | null;
  syncIntervalMinutes: number;
  /** Absent from servers before issue 14. */
  exclusionRules?: ExclusionRule[];
  scopeMode?: 'all' | 'groups';
  scopeGroups?: ScopeGroup[];
  /** When the scheduler runs it next; null when it is not scheduled (e.g. disabled). */
  nextRunAt: string | null;
  lastRun: RunSummary | null;
  /** `needs-attention` after runs failed on credentials, until the settings change. */
  status: 'ok' | 'needs-attention';
  attentionMessage: string | null;
}

/** What the form sends on create (secret required) or update (secret optional). */
export interface IntegrationInput {
  name: string;
  applicationId: string;
  tenantId: string;
  secret?: string;
  secretExpiresAt: string | null;
  unitField: MatchField;
  userTypeField: MatchField;
  enabled: boolean;
  cloud: Cloud;
  deactivateDisabledUsers: boolean;
  includeGuests: boolean;
  deletionThreshold: number;
  unassignmentThreshold: number | null;
  syncIntervalMinutes: number;
  exclusionRules: ExclusionRule[];
  scopeMode: 'all' | 'groups';
  scopeGroups: ScopeGroup[];
}

export interface TestStep {
  name: string;
  ok: boolean;
  message: string;
}

export interface TestResult {
  ok: boolean;
  steps: TestStep[];
}

export interface RunCounts {
  created: number;
  updated: number;
  linked: number;
  deactivated: number;
  reactivated: number;
  unchanged: number;
  skipped: number;
  unassigned: number;
}

export interface Run {
  id: string;
  integrationId: string;
  mode: string;
  dryRun: boolean;
  trigger: string;
  status: RunStatus;
  startedAt: string | null;
  finishedAt: string | null;
  progress?: {
    usersRead: number;
    pages: number;
    total?: number | null;
    /** While the run waits on Microsoft Graph before retrying (429 or 503/504). */
    waiting?: { reason: 'throttled' | 'unavailable'; until: string } | null;
  } | null;
  counts?: Partial<RunCounts> | null;
  heldDeletions?: number | null;
  heldUnassignments?: number | null;
  error: { code: string; message: string } | null;
  notes?: string[] | string | null;
}

export interface RunChange {
  seq: number;
  action: string;
  subject: string | null;
  externalId: string | null;
  userId: string | null;
  details: unknown;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Membership {
  unitId: string;
  userTypeIds: string[];
  managedBy: string | null;
}

export interface User {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  status: 'active' | 'deactivated';
  deactivatedAt: string | null;
  /** Who or what deactivated the user (null while active). */
  deactivationReason?: 'admin' | 'source-deleted' | 'source-disabled' | null;
  purgeAfter: string | null;
  assigned: boolean;
  source: { integrationId: string; externalId: string } | null;
  memberships: Membership[];
  /** Only on GET /users/:id: why the sync placed the user (SPEC §5.15). */
  sync?: SyncExplanation | null;
}

/** Mirrors the server's syncExplanationView (src/http/schemas.ts). */
export interface SyncExplanation {
  integrationId: string;
  entra: Record<string, string | boolean | null>;
  entraChangedAt: string | null;
  excluded: string | null;
  unit: {
    field: string;
    value: string | null;
    outcome: 'matched' | 'no-unit' | 'ambiguous' | 'several-units' | 'empty';
    unitId: string | null;
    reason: string | null;
  };
  userTypes: { field: string; value: string | null; matched: string[]; unmatched: string[] };
}

export interface Unit {
  id: string;
  name: string;
  parentId: string | null;
  /** GET /units only: memberships in the unit, and how many a synchronisation manages. */
  memberCount?: number;
  managedMemberCount?: number;
}

export interface UserType {
  id: string;
  name: string;
}
