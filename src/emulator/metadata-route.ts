import { sendJson, type Exchange } from './exchange.ts';
import type { EmulatorState } from './state.ts';
import { resolveTenant } from './token-route.ts';

/**
 * `GET /{tenant}/v2.0/.well-known/openid-configuration`: what msal-node fetches for an
 * authority listed in `knownAuthorities` before its first token request.
 */
export function handleOpenIdConfiguration(
  ex: Exchange,
  state: EmulatorState,
  segment: string,
): void {
  const tenant = resolveTenant(ex, state, segment);
  if (!tenant) return;
  const base = `${state.origin}/${tenant.id}`;
  sendJson(ex, 200, {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    jwks_uri: `${state.origin}/${tenant.id}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${state.origin}/${tenant.id}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${state.origin}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'tid', 'ver', 'oid'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: new URL(state.origin).host,
    rbac_url: 'https://pas.windows.net',
  });
}

/** `GET /{tenant}/discovery/v2.0/keys`: an empty key set (our tokens are opaque). */
export function handleJwks(ex: Exchange): void {
  sendJson(ex, 200, { keys: [] });
}

/**
 * `GET /common/discovery/instance`: instance discovery, which msal only calls for hosts not
 * in `knownAuthorities`; answered anyway so a client configured either way works.
 */
export function handleInstanceDiscovery(ex: Exchange, state: EmulatorState): void {
  const host = new URL(state.origin).host;
  sendJson(ex, 200, {
    tenant_discovery_endpoint: `${state.origin}/common/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}
