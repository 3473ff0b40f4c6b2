import {
  expiredSecret,
  invalidScope,
  malformedTenant,
  missingParameter,
  sendAadError,
  tenantNotFound,
  unknownApp,
  unknownResource,
  unsupportedGrant,
  wrongSecret,
} from './aad-errors.ts';
import { ACCESS_TOKEN_SECONDS } from './access-tokens.ts';
import { readBody, sendJson, type Exchange } from './exchange.ts';
import type { EmulatorState } from './state.ts';
import { tenantSegmentKind } from './tenant-registry.ts';
import type { Tenant } from './tenant.ts';

/** Graph resource identifiers the emulator accepts in `{resource}/.default`. */
function graphResources(state: EmulatorState): string[] {
  return [state.origin, 'https://graph.microsoft.com'];
}

/**
 * Resolves the `{tenant}` path segment the way the identity platform does, answering the
 * AADSTS900023 / AADSTS90002 errors itself. Returns undefined when it already answered.
 */
export function resolveTenant(
  ex: Exchange,
  state: EmulatorState,
  segment: string,
): Tenant | undefined {
  if (tenantSegmentKind(segment) === 'malformed') {
    sendAadError(ex, malformedTenant(segment));
    return undefined;
  }
  const tenant = state.tenants.find(segment);
  if (!tenant) sendAadError(ex, tenantNotFound(segment));
  return tenant;
}

/** `POST /{tenant}/oauth2/v2.0/token`: the client credentials grant. */
export async function handleToken(
  ex: Exchange,
  state: EmulatorState,
  segment: string,
): Promise<void> {
  const tenant = resolveTenant(ex, state, segment);
  if (!tenant) return;
  const form = new URLSearchParams(await readBody(ex.req));
  const grant = form.get('grant_type');
  if (!grant) return sendAadError(ex, missingParameter('grant_type'));
  if (grant !== 'client_credentials') return sendAadError(ex, unsupportedGrant(grant));
  const clientId = form.get('client_id')?.toLowerCase();
  if (!clientId) return sendAadError(ex, missingParameter('client_id'));
  const scope = form.get('scope');
  if (!scope) return sendAadError(ex, missingParameter('scope'));
  const app = tenant.apps.get(clientId);
  if (!app) return sendAadError(ex, unknownApp(clientId, segment));
  const secret = form.get('client_secret');
  if (!secret) {
    return sendAadError(ex, {
      status: 401,
      error: 'invalid_client',
      code: 7000216,
      message:
        "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
    });
  }
  if (secret !== app.secret) return sendAadError(ex, wrongSecret(clientId));
  if (app.secretExpiresAt && app.secretExpiresAt.getTime() <= ex.now) {
    return sendAadError(ex, expiredSecret(clientId, app.secretExpiresAt));
  }
  // msal adds openid/profile/offline_access to the scope; only the resource part matters.
  const resourceScope = scope.split(' ').find((s) => s.endsWith('/.default'));
  if (!resourceScope) return sendAadError(ex, invalidScope(scope));
  const resource = resourceScope.slice(0, -'/.default'.length).replace(/\/$/, '');
  if (!graphResources(state).includes(resource)) {
    return sendAadError(ex, unknownResource(resource, tenant.id));
  }
  const accessToken = state.tokens.issue(
    { tenantId: tenant.id, clientId, consent: app.consent, groupConsent: app.groupConsent },
    ex.now,
  );
  sendJson(ex, 200, {
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_SECONDS,
    ext_expires_in: ACCESS_TOKEN_SECONDS,
    access_token: accessToken,
  });
}
