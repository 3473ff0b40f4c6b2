import { sendGraphError, type Exchange } from './exchange.ts';
import type { EmulatorState } from './state.ts';
import type { Tenant } from './tenant.ts';

const CHALLENGE = { 'www-authenticate': 'Bearer realm="", error="invalid_token"' };

/**
 * Checks the bearer token of a Graph request and returns its tenant; answers 401
 * `InvalidAuthenticationToken` or 403 `Authorization_RequestDenied` itself otherwise.
 */
export function authenticate(
  ex: Exchange,
  state: EmulatorState,
  scope: 'users' | 'groups' = 'users',
): Tenant | undefined {
  const header = ex.req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    sendGraphError(ex, 401, 'InvalidAuthenticationToken', 'Access token is empty.', CHALLENGE);
    return undefined;
  }
  const grant = state.tokens.verify(match[1] as string, ex.now);
  if (grant === 'expired') {
    sendGraphError(
      ex,
      401,
      'InvalidAuthenticationToken',
      'Lifetime validation failed, the token is expired.',
      CHALLENGE,
    );
    return undefined;
  }
  if (grant === 'unknown') {
    sendGraphError(
      ex,
      401,
      'InvalidAuthenticationToken',
      'IDX14100: JWT is not well formed, there are no dots (.).',
      CHALLENGE,
    );
    return undefined;
  }
  const tenant = state.tenants.find(grant.tenantId);
  if (!tenant) {
    sendGraphError(ex, 401, 'InvalidAuthenticationToken', 'Invalid tenant.', CHALLENGE);
    return undefined;
  }
  // Group endpoints need GroupMember.Read.All (api/group-list-transitivemembers.md).
  if (!grant.consent || (scope === 'groups' && !grant.groupConsent)) {
    sendGraphError(
      ex,
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    );
    return undefined;
  }
  return tenant;
}
