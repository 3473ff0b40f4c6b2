import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { fieldPreview } from '../../sync/field-preview.ts';
import type { SyncService } from '../../sync/service.ts';
import { fieldPreviewBody, fieldPreviewView } from '../preview-schemas.ts';
import { principalOf, type ApiApp } from '../types.ts';

const idParams = z.strictObject({ id: z.uuid() });

/**
 * SPEC §5.15 field preview: the distinct values of the chosen fields with user counts and
 * match outcomes, from the mirror, or from a Graph sample before the first sync.
 */
export function registerFieldPreviewRoutes(app: ApiApp, ctx: AppContext, sync: SyncService): void {
  app.post(
    '/integrations/:id/field-preview',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Values of a unit field and a user type field in the tenant, and how they match',
        params: idParams,
        body: fieldPreviewBody,
        response: { 200: fieldPreviewView },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      return fieldPreview(ctx.db, orgId, request.params.id, request.body, (max) =>
        sync.sampleUsers(orgId, request.params.id, max),
      );
    },
  );
}
