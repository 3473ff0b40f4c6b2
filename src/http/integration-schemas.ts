import { z } from 'zod';
import { exclusionRulesSchema } from '../integrations/exclusion-rules.ts';
import { CLOUDS, MATCH_FIELDS } from '../integrations/match-fields.ts';
import { scopeGroupsSchema, scopeModeSchema } from '../integrations/scope-groups.ts';
import { runStatusSchema } from './run-schemas.ts';

/**
 * The contract of the integration routes (SPEC §2, §6): the server serialises with these and
 * the panel takes its types from them (`import type` in web/src/types.ts), so nothing is
 * declared twice. The request bodies are `createIntegrationSchema` / `patchIntegrationSchema`
 * of src/integrations/settings.ts.
 */

/** The newest run of an integration, as the integration list carries it. */
export const runSummaryView = z.object({
  id: z.string(),
  status: runStatusSchema,
  mode: z.string(),
  dryRun: z.boolean(),
  finishedAt: z.string().nullable(),
});

/**
 * The response shape. A plain (non-strict) object: the zod serializer keeps only these
 * keys, so a secret handed to `reply.send` by mistake would still be dropped.
 */
export const integrationView = z.object({
  id: z.string(),
  name: z.string(),
  applicationId: z.string(),
  tenantId: z.string(),
  secretSet: z.boolean(),
  secretExpiresAt: z.string().nullable(),
  secretExpiry: z
    .object({ level: z.enum(['expired', 'expiring']), days: z.number().int() })
    .nullable(),
  unitField: z.enum(MATCH_FIELDS),
  userTypeField: z.enum(MATCH_FIELDS),
  enabled: z.boolean(),
  cloud: z.enum(CLOUDS),
  deactivateDisabledUsers: z.boolean(),
  includeGuests: z.boolean(),
  deletionThreshold: z.number().int(),
  /** null = the default: 100 users or 10% of the linked users, whichever is lower. */
  unassignmentThreshold: z.number().int().nullable(),
  syncIntervalMinutes: z.number().int(),
  exclusionRules: exclusionRulesSchema,
  scopeMode: scopeModeSchema,
  scopeGroups: scopeGroupsSchema,
  /** Near-real-time updates (issue 16): a Graph subscription triggers runs on changes. */
  nearRealTime: z.boolean(),
  nearRealTimeStatus: z
    .object({
      state: z.enum(['off', 'unavailable', 'pending', 'active', 'failing']),
      expiresAt: z.string().nullable(),
      renewsAt: z.string().nullable(),
      lastNotificationAt: z.string().nullable(),
      message: z.string(),
    })
    .nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** When the scheduler runs it next; null when it is not scheduled (e.g. disabled). */
  nextRunAt: z.string().nullable(),
  /** `needs-attention` after runs failed on credentials, until the settings change. */
  status: z.enum(['ok', 'needs-attention']),
  attentionMessage: z.string().nullable(),
  lastRun: runSummaryView.nullable(),
});

/** Test connection: each step (token → permission → one user) with what to fix. */
export const testResultView = z.object({
  ok: z.boolean(),
  steps: z.array(z.object({ name: z.string(), ok: z.boolean(), message: z.string() })),
});

/** A group found by the form's picker, with its users (nested groups included). */
export const foundGroupView = z.object({
  id: z.string(),
  displayName: z.string(),
  memberCount: z.number().int(),
});

/** How many active linked users each exclusion rule would take out of scope. */
export const exclusionPreviewView = z.object({
  rules: z.array(z.object({ matched: z.number().int(), active: z.number().int() })),
  matched: z.number().int(),
  wouldDeactivate: z.number().int(),
});

/** `POST /integrations/:id/exclusion-preview`: the rules as the form holds them. */
export const exclusionPreviewBody = z.strictObject({ exclusionRules: exclusionRulesSchema });
