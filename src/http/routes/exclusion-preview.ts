import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { getIntegration } from '../../integrations/service.ts';
import { countRuleMatches } from '../../sync/scope/rule-counts.ts';
import { principalOf, type ApiApp } from '../types.ts';
import { exclusionPreviewBody, exclusionPreviewView } from '../integration-schemas.ts';

const idParams = z.strictObject({ id: z.uuid() });

/**
 * `POST /integrations/:id/exclusion-preview {exclusionRules}`: how many users each rule
 * would take out of scope, counted from the mirror before anything is saved (issue 14).
 */
export function registerExclusionPreviewRoutes(app: ApiApp, ctx: AppContext): void {
  app.post(
    '/integrations/:id/exclusion-preview',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Count the users exclusion rules would take out of scope (nothing is saved)',
        params: idParams,
        body: exclusionPreviewBody,
        response: { 200: exclusionPreviewView },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const integration = await getIntegration(ctx.db, orgId, request.params.id);
      return countRuleMatches(ctx.db, integration.id, request.body.exclusionRules);
    },
  );
}
