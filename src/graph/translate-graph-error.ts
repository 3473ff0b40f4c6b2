import { GraphError, ResyncRequiredError } from './errors.ts';
import { readGraphErrorBody } from './graph-error-body.ts';
import type { HttpResponse } from './transport.ts';

const RESYNC_CODES = new Set(['syncstatenotfound', 'resyncrequired']);

/** True when Graph says the delta state is gone and a full synchronisation is needed. */
export function isResyncResponse(res: HttpResponse): boolean {
  if (res.status === 410) return true;
  if (res.status < 400 || res.status >= 500) return false;
  const body = readGraphErrorBody(res.text);
  return [body.code, body.innerCode].some(
    (c) => c !== undefined && RESYNC_CODES.has(c.toLowerCase()),
  );
}

/**
 * Turns Graph's final non-success answer into the error the caller sees. `attempts` is how
 * many tries were made (for the throttling message).
 */
export function translateGraphResponse(
  res: HttpResponse,
  attempts: number,
): GraphError | ResyncRequiredError {
  const requestId = res.headers['request-id'];
  const body = readGraphErrorBody(res.text);
  const info = { httpStatus: res.status, requestId, upstreamCode: body.code };
  if (isResyncResponse(res)) {
    return new ResyncRequiredError(undefined, { ...info, location: res.headers.location });
  }
  if (res.status === 403 && body.code === 'Authorization_RequestDenied') {
    return new GraphError(
      'permission_missing',
      'User.Read.All is missing or admin consent was not granted: in Entra ID, add the ' +
        'application permission User.Read.All to the app and grant admin consent',
      info,
    );
  }
  if (res.status === 429 || res.status === 503 || res.status === 504 || res.status === 502) {
    return new GraphError(
      'throttled',
      `Microsoft Graph was still busy (HTTP ${res.status}) after ${attempts} attempts; ` +
        'the next run will try again',
      info,
    );
  }
  if (res.status === 401) {
    return new GraphError(
      'graph_error',
      `Microsoft Graph refused the access token (${body.code ?? 'HTTP 401'}): ${body.message ?? 'no reason given'}`,
      info,
    );
  }
  const what = body.code ? `${res.status} ${body.code}` : `HTTP ${res.status}`;
  return new GraphError(
    'graph_error',
    `Microsoft Graph answered ${what}: ${body.message ?? 'no message'}`,
    info,
  );
}
