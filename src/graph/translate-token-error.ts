import { AuthError, ServerError } from '@azure/msal-node';
import { GraphError } from './errors.ts';
import { TokenTransportError } from './token-transport-error.ts';

/** What the failed sign-in was about, for messages. */
export interface TokenErrorContext {
  authorityHost: string;
  tenantId: string;
}

/**
 * Turns whatever msal threw into an error an administrator can act on. AADSTS codes come
 * from `ServerError.errorNo` (the first of `error_codes`) or, failing that, the description.
 */
export function translateTokenError(err: unknown, ctx: TokenErrorContext): GraphError {
  if (err instanceof TokenTransportError) return err.graphError;
  if (err instanceof ServerError) return translateServerError(err, ctx);
  if (err instanceof AuthError) return translateClientError(err, ctx);
  const reason = err instanceof Error ? err.message : String(err);
  return new GraphError('graph_error', `Sign-in to Microsoft failed: ${reason}`, { cause: err });
}

function translateServerError(err: ServerError, ctx: TokenErrorContext): GraphError {
  const description = descriptionOf(err.errorMessage);
  const aadsts = aadstsCode(err.errorNo, err.errorMessage);
  const info = {
    httpStatus: err.status,
    requestId: traceIdOf(err.errorMessage),
    upstreamCode: aadsts === undefined ? err.errorCode : `AADSTS${aadsts}`,
    cause: err,
  };
  switch (aadsts) {
    case '7000215':
      return new GraphError(
        'invalid_secret',
        "The secret is wrong: paste the secret's Value, not its ID",
        info,
      );
    case '7000222': {
      const date = /\d{4}-\d{2}-\d{2}/.exec(description)?.[0];
      const when = date ? `expired on ${date}` : 'has expired';
      return new GraphError(
        'secret_expired',
        `The secret ${when}: create a new one in Entra ID and replace it here`,
        info,
      );
    }
    case '700016':
      return new GraphError(
        'unknown_application',
        `No app with this Application ID in this tenant (${ctx.tenantId}): check the Application (client) ID`,
        info,
      );
    case '90002':
      return new GraphError(
        'tenant_not_found',
        `Tenant not found: no directory ${ctx.tenantId} at ${ctx.authorityHost}; check the Directory (tenant) ID and the cloud`,
        info,
      );
    case '900023':
      return new GraphError('tenant_malformed', malformedTenantMessage(ctx), info);
  }
  const status = err.status;
  if (status === 429 || (status !== undefined && status >= 500)) {
    return new GraphError(
      'throttled',
      `The Microsoft sign-in service was still busy (HTTP ${status}); the next run will try again`,
      info,
    );
  }
  const detail = description || err.errorCode || 'no reason given';
  return new GraphError('graph_error', `Sign-in to Microsoft failed: ${detail}`, info);
}

function translateClientError(err: AuthError, ctx: TokenErrorContext): GraphError {
  if (err.errorCode === 'url_parse_error' || err.errorCode === 'empty_url_error') {
    return new GraphError('tenant_malformed', malformedTenantMessage(ctx), { cause: err });
  }
  if (err.errorCode === 'authority_uri_insecure') {
    return new GraphError(
      'graph_error',
      `The login host ${ctx.authorityHost} must be an https:// URL`,
      { cause: err },
    );
  }
  return new GraphError(
    'graph_error',
    `Sign-in to Microsoft failed (${err.errorCode}): ${err.errorMessage || err.message}`,
    { cause: err },
  );
}

function malformedTenantMessage(ctx: TokenErrorContext): string {
  return (
    `The Tenant ID "${ctx.tenantId}" is malformed: use the directory's GUID or a domain ` +
    'such as contoso.onmicrosoft.com'
  );
}

function aadstsCode(errorNo: unknown, message: string): string | undefined {
  if (typeof errorNo === 'string' && /^\d+$/.test(errorNo)) return errorNo;
  if (typeof errorNo === 'number') return String(errorNo);
  return /AADSTS(\d+)/.exec(message)?.[1];
}

/** msal formats server errors as "Error(s): … - Description: … - Correlation ID: …". */
function descriptionOf(message: string): string {
  const m = /Description: ([\s\S]*?)(?: - Correlation ID:|$)/.exec(message);
  return (m?.[1] ?? message).trim();
}

function traceIdOf(message: string): string | undefined {
  const id = /Trace ID: ([0-9a-fA-F-]{8,})/.exec(message)?.[1];
  return id;
}
