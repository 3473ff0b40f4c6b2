import { z } from 'zod';
import type { AppContext } from '../../context.ts';
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
import { integrationView as integrationResponse } from '../integration-schemas.ts';
import { nearRealTimeStatuses } from '../../notifications/status.ts';

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
