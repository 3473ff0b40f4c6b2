import { listAudit } from '../../audit/audit-log.ts';
import type { AppContext } from '../../context.ts';
import { auditPageView, auditQuery } from '../automation-schemas.ts';
import { principalOf, type ApiApp } from '../types.ts';

/**
 * The audit log (issue 15), newest first: `actor` filters by administrator or token id, email
 * or token name; `action` by exact action or a prefix ending in `.` (`integration.`).
 * Read-only, so `read` tokens may export it (e.g. to a SIEM).
 */
export function registerAuditRoutes(app: ApiApp, ctx: AppContext): void {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        operationId: 'listAudit',
        summary: 'Audit log: who changed what, when and from where, newest first',
        querystring: auditQuery,
        response: { 200: auditPageView },
      },
    },
    async (request) => listAudit(ctx.db, principalOf(request).orgId, request.query),
  );
}
