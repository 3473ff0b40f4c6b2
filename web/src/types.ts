/**
 * Shapes of the REST API (SPEC §6) as the panel reads and sends them: every one is the type
 * of the zod schema the server's route validates or serialises with (`import type`, so no
 * server code and no zod reach the bundle). Nothing here is declared by hand, so a server
 * change that the panel does not follow fails `npm run typecheck`.
 */
import type { z } from 'zod';
import type {
  exclusionPreviewBody,
  exclusionPreviewView,
  foundGroupView,
  integrationView,
  runSummaryView,
  testResultView,
} from '../../src/http/integration-schemas.ts';
import type { impactView } from '../../src/http/impact-schemas.ts';
import type {
  runChangesPageView,
  runChangeView,
  runCountsView,
  runStatusSchema,
  runView,
  startRunBody,
} from '../../src/http/run-schemas.ts';
import type {
  sessionView,
  syncExplanationView,
  unitListView,
  unitView,
  userCountsView,
  userDetailView,
  userFilterQuery,
  userPageView,
  userTypeView,
  userView,
} from '../../src/http/schemas.ts';
import type {
  CreateIntegrationRequest,
  IntegrationPatchRequest,
} from '../../src/integrations/settings.ts';
import type { ExclusionRule as ServerExclusionRule } from '../../src/integrations/exclusion-rules.ts';
import type { ScopeGroup as ServerScopeGroup } from '../../src/integrations/scope-groups.ts';
import {
  CLOUDS,
  MATCH_FIELDS,
  RULE_FIELDS,
  RULE_OPERATORS,
  type ExclusionOperator,
  type ExclusionRuleField,
} from '../../src/integrations/match-fields.ts';

// The server's own lists (a plain constant module, so the panel bundles nothing else from it).
export { CLOUDS, MATCH_FIELDS, RULE_FIELDS, RULE_OPERATORS };
export type MatchField = (typeof MATCH_FIELDS)[number];
export type Cloud = (typeof CLOUDS)[number];
export type RuleField = ExclusionRuleField;
export type RuleOperator = ExclusionOperator;
export type ExclusionRule = ServerExclusionRule;
/** A chosen scope group (its name as the picker showed it). */
export type ScopeGroup = ServerScopeGroup;

export type Session = z.infer<typeof sessionView>;

export type Integration = z.infer<typeof integrationView>;
export type SecretExpiry = NonNullable<Integration['secretExpiry']>;
/** Whether Graph change notifications trigger runs right now (issue 16). */
export type NearRealTimeStatus = NonNullable<Integration['nearRealTimeStatus']>;
/** The newest run of an integration, as the integration list carries it. */
export type RunSummary = z.infer<typeof runSummaryView>;
/** What the form sends on create (secret required). */
export type IntegrationInput = CreateIntegrationRequest;
/** What the form sends on update (any subset; the secret only to replace it). */
export type IntegrationPatch = IntegrationPatchRequest;
export type TestResult = z.infer<typeof testResultView>;
export type TestStep = TestResult['steps'][number];
/** A group found by the picker, with its users (nested groups included). */
export type FoundGroup = z.infer<typeof foundGroupView>;
export type ExclusionPreviewBody = z.input<typeof exclusionPreviewBody>;
export type ExclusionPreview = z.infer<typeof exclusionPreviewView>;

export type RunStatus = z.infer<typeof runStatusSchema>;
export type RunCounts = z.infer<typeof runCountsView>;
export type Run = z.infer<typeof runView>;
export type StartRunBody = NonNullable<z.input<typeof startRunBody>>;
export type RunChange = z.infer<typeof runChangeView>;
export type RunChangesPage = z.infer<typeof runChangesPageView>;

export type User = z.infer<typeof userView>;
export type Membership = User['memberships'][number];
/** GET /users/:id: the user with why the sync placed it (SPEC §5.15). */
export type UserDetail = z.infer<typeof userDetailView>;
export type SyncExplanation = z.infer<typeof syncExplanationView>;
export type UserPage = z.infer<typeof userPageView>;
export type UserCounts = z.infer<typeof userCountsView>;
/** The query of `GET /users`, `/users/counts` and `/users/export.csv`. */
export type UserFilterQuery = z.input<typeof userFilterQuery>;

export type Unit = z.infer<typeof unitView>;
/** GET /units: each unit with its memberships counted. */
export type UnitWithCounts = z.infer<typeof unitListView>;
export type UserType = z.infer<typeof userTypeView>;

/** What a change would do before it is made (issue 17: impact before commit). */
export type ImpactView = z.infer<typeof impactView>;

/** A keyset page of the API. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
