import { exclusionRulesSchema } from '../../integrations/exclusion-rules.ts';
import { scopeGroupsSchema, scopeModeSchema } from '../../integrations/scope-groups.ts';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { CLOUDS, MATCH_FIELDS } from '../../integrations/match-fields.ts';
import {
  createIntegration,
  deleteIntegration,
  getIntegration,
  listIntegrations,
  updateIntegration,
} from '../../integrations/service.ts';
import { createIntegrationSchema, patchIntegrationSchema } from '../../integrations/settings.ts';
import { findLastRuns } from '../../integrations/repository.ts';
import { toIntegrationView } from '../../integrations/view.ts';
import { principalOf, type ApiApp } from '../types.ts';
import type { DirectoryHooks } from '../../directory/hooks.ts';
import { configChanged } from '../config-changed.ts';
import { nearRealTimeStatuses } from '../../notifications/status.ts';

/**
 * The response shape. A plain (non-strict) object: the zod serializer keeps only these
 * keys, so a secret handed to `reply.send` by mistake would still be dropped.
 */
const integrationResponse = z.object({
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
  nextRunAt: z.string().nullable(),
  status: z.enum(['ok', 'needs-attention']),
  attentionMessage: z.string().nullable(),
  lastRun: z
    .object({
      id: z.string(),
      status: z.string(),
      mode: z.string(),
      dryRun: z.boolean(),
      finishedAt: z.string().nullable(),
    })
    .nullable(),
});

/** Integration ids are UUIDs: a malformed one answers 400 naming `id`, like other routes. */
const idParams = z.strictObject({ id: z.uuid() });
const tags = ['integrations'];

/**
 * Integration settings (SPEC §2, §6): list, create, read, update, delete within the
 * caller's organisation. Registered inside the authenticated `/api/v1` scope.
 */
export function registerIntegrationRoutes(
  app: ApiApp,
  ctx: AppContext,
  hooks: DirectoryHooks = {},
): void {
  const changed = configChanged(ctx, hooks);
  const now = () => ctx.clock.now();
  const statuses = (list: Parameters<typeof nearRealTimeStatuses>[1]) =>
    nearRealTimeStatuses(ctx.db, list, ctx.config.notificationBaseUrl);

  app.get(
    '/integrations',
    {
      schema: {
        tags,
        summary: "List the organisation's integrations",
        response: { 200: z.array(integrationResponse) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const list = await listIntegrations(ctx.db, orgId);
      const last = await findLastRuns(
        ctx.db,
        list.map((i) => i.id),
      );
      const nrt = await statuses(list);
      return list.map((i) =>
        toIntegrationView(i, now(), last.get(i.id) ?? null, nrt.get(i.id) ?? null),
      );
    },
  );

  app.post(
    '/integrations',
    {
      schema: {
        tags,
        summary: 'Create an integration (the secret is write-only)',
        body: createIntegrationSchema,
        response: { 201: integrationResponse },
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      const created = await createIntegration(ctx, orgId, request.body);
      const nrt = await statuses([created]);
      return reply
        .code(201)
        .send(toIntegrationView(created, now(), null, nrt.get(created.id) ?? null));
    },
  );

  app.get(
    '/integrations/:id',
    {
      schema: {
        tags,
        summary: 'Read an integration',
        params: idParams,
        response: { 200: integrationResponse },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const integration = await getIntegration(ctx.db, orgId, request.params.id);
      const last = await findLastRuns(ctx.db, [integration.id]);
      const nrt = await statuses([integration]);
      return toIntegrationView(
        integration,
        now(),
        last.get(integration.id) ?? null,
        nrt.get(integration.id) ?? null,
      );
    },
  );

  app.patch(
    '/integrations/:id',
    {
      schema: {
        tags,
        summary: 'Change settings; `secret` replaces only the secret',
        params: idParams,
        body: patchIntegrationSchema,
        response: { 200: integrationResponse },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const updated = await updateIntegration(ctx, orgId, request.params.id, request.body);
      await changed(orgId);
      const nrt = await statuses([updated]);
      return toIntegrationView(updated, now(), null, nrt.get(updated.id) ?? null);
    },
  );

  app.delete(
    '/integrations/:id',
    {
      schema: {
        tags,
        summary: 'Delete an integration; its users stay, unlinked',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      await deleteIntegration(ctx, orgId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
