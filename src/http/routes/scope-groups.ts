import { z } from 'zod';
import type { SyncService } from '../../sync/service.ts';
import { principalOf, type ApiApp } from '../types.ts';
import { foundGroupView as groupSchema } from '../integration-schemas.ts';

const tags = ['integrations'];
/**
 * The form's group picker (issue 14): find the tenant's groups by name, with how many users
 * each holds (nested groups included). Asks Microsoft Graph, so it needs GroupMember.Read.All.
 */
export function registerScopeGroupRoutes(app: ApiApp, sync: SyncService): void {
  app.get(
    '/integrations/:id/groups',
    {
      schema: {
        tags,
        summary: 'Find Entra groups by the start of their name, with user counts',
        params: z.strictObject({ id: z.uuid() }),
        // Without `search`, the first groups by name (the integration is checked first).
        querystring: z.strictObject({
          search: z
            .string({ error: 'search: the start of a group name' })
            .trim()
            .max(120)
            .optional(),
        }),
        response: { 200: z.object({ items: z.array(groupSchema) }) },
      },
    },
    async (request) => ({
      items: await sync.searchGroups(
        principalOf(request).orgId,
        request.params.id,
        request.query.search ?? '',
      ),
    }),
  );

  app.get(
    '/integrations/:id/groups/:groupId/member-count',
    {
      schema: {
        tags,
        summary: 'How many users a group holds, nested groups included',
        params: z.strictObject({ id: z.uuid(), groupId: z.uuid() }),
        response: { 200: z.object({ count: z.number().int() }) },
      },
    },
    async (request) => ({
      count: await sync.groupUserCount(
        principalOf(request).orgId,
        request.params.id,
        request.params.groupId,
      ),
    }),
  );
}
