import type { FastifyRequest } from 'fastify';
import type { AuditRouteConfig } from './audit-hook.ts';

function flag(request: FastifyRequest, name: string): boolean {
  const body = request.body;
  return (
    typeof body === 'object' && body !== null && (body as Record<string, unknown>)[name] === true
  );
}

function fieldsSent(request: FastifyRequest): string[] {
  const body = request.body;
  return typeof body === 'object' && body !== null ? Object.keys(body) : [];
}

/**
 * Audit actions of the routes that other modules own, by `METHOD url`, so their route files
 * need no audit code (a route's own `config.audit` wins). A state-changing route in neither
 * place is still audited, under `defaultAction`'s name.
 */
export const AUDIT_ACTIONS: Record<string, AuditRouteConfig> = {
  'POST /api/v1/auth/login': { action: 'auth.login', onFailure: 'auth.login-failed' },
  'POST /api/v1/auth/logout': { action: 'auth.logout' },
  'POST /api/v1/auth/logout-all': { action: 'auth.logout-all' },
  'POST /api/v1/units': { action: 'unit.created' },
  'PATCH /api/v1/units/:id': { action: 'unit.updated' },
  'DELETE /api/v1/units/:id': { action: 'unit.deleted' },
  'POST /api/v1/user-types': { action: 'user-type.created' },
  'PATCH /api/v1/user-types/:id': { action: 'user-type.updated' },
  'DELETE /api/v1/user-types/:id': { action: 'user-type.deleted' },
  'POST /api/v1/users': { action: 'user.created' },
  'PATCH /api/v1/users/:id': { action: 'user.updated' },
  'POST /api/v1/users/:id/deactivate': { action: 'user.deactivated' },
  'POST /api/v1/users/:id/reactivate': { action: 'user.reactivated' },
  'PUT /api/v1/users/:id/memberships/:unitId': { action: 'membership.set' },
  'DELETE /api/v1/users/:id/memberships/:unitId': { action: 'membership.removed' },
  'POST /api/v1/integrations': { action: 'integration.created' },
  'PATCH /api/v1/integrations/:id': {
    action: 'integration.updated',
    // The field names say what changed; a patch of the secret alone is its own action.
    describe: (request) => {
      const fields = fieldsSent(request);
      const secret = fields.includes('secret');
      return {
        ...(secret && fields.length === 1 ? { action: 'integration.secret-replaced' } : {}),
        details: { secretReplaced: secret },
      };
    },
  },
  'DELETE /api/v1/integrations/:id': { action: 'integration.deleted' },
  'POST /api/v1/integrations/:id/test': { action: 'integration.tested' },
  'POST /api/v1/integrations/:id/field-preview': { action: 'integration.field-previewed' },
  'POST /api/v1/integrations/:id/exclusion-preview': { action: 'integration.exclusion-previewed' },
  'POST /api/v1/integrations/:id/sync': {
    action: 'sync.started',
    describe: (request) => (flag(request, 'dryRun') ? { action: 'sync.previewed' } : {}),
  },
  'POST /api/v1/runs/:runId/approve-deletions': { action: 'sync.deletions-approved' },
};
