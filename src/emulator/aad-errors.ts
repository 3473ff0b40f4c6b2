import { randomUUID } from 'node:crypto';
import { sendJson, type Exchange } from './exchange.ts';

/**
 * Identity-platform errors in the shape the real token endpoint uses: `error`,
 * `error_description` starting with `AADSTS<code>: `, `error_codes`, `timestamp`,
 * `trace_id`, `correlation_id`, `error_uri`.
 */
export interface AadError {
  status: number;
  error: string;
  code: number;
  message: string;
}

/** Sends an identity-platform error. */
export function sendAadError(ex: Exchange, e: AadError): void {
  const timestamp = new Date(ex.now)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
  const traceId = randomUUID();
  const correlationId = ex.clientRequestId ?? randomUUID();
  sendJson(ex, e.status, {
    error: e.error,
    error_description: `AADSTS${e.code}: ${e.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [e.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${ex.url.origin}/error?code=${e.code}`,
  });
}

/** AADSTS7000215: the secret does not match (often the secret's ID pasted instead of its value). */
export function wrongSecret(clientId: string): AadError {
  return {
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  };
}

/** AADSTS7000222: the secret expired; the description names the date. */
export function expiredSecret(clientId: string, expiredAt: Date): AadError {
  return {
    status: 401,
    error: 'invalid_client',
    code: 7000222,
    message: `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds. Expired on ${expiredAt.toISOString()}.`,
  };
}

/** AADSTS700016: no app with this client id in the tenant. */
export function unknownApp(clientId: string, tenant: string): AadError {
  return {
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    message: `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  };
}

/** AADSTS90002: the tenant does not exist. */
export function tenantNotFound(tenant: string): AadError {
  return {
    status: 400,
    error: 'invalid_request',
    code: 90002,
    message: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  };
}

/** AADSTS900023: the tenant segment is neither a GUID nor a domain name. */
export function malformedTenant(tenant: string): AadError {
  return {
    status: 400,
    error: 'invalid_request',
    code: 900023,
    message: `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`,
  };
}

/** AADSTS900144: a required form field is missing. */
export function missingParameter(name: string): AadError {
  return {
    status: 400,
    error: 'invalid_request',
    code: 900144,
    message: `The request body must contain the following parameter: '${name}'.`,
  };
}

/** AADSTS70003: only client_credentials is emulated. */
export function unsupportedGrant(grant: string): AadError {
  return {
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    message: `The app requested an unsupported grant type '${grant}'.`,
  };
}

/** AADSTS1002012: the scope is not `{resource}/.default`. */
export function invalidScope(scope: string): AadError {
  return {
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    message: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  };
}

/** AADSTS500011: `{resource}/.default` names a resource other than Graph. */
export function unknownResource(resource: string, tenant: string): AadError {
  return {
    status: 400,
    error: 'invalid_resource',
    code: 500011,
    message: `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  };
}
