import { GraphError } from './errors.ts';
import { readGraphErrorBody, tryParseJson } from './graph-error-body.ts';
import { RetryableAttemptError, withRetry, type RetryRuntime } from './retry.ts';
import { isRetryableStatus } from './retry-policy.ts';
import type { TokenProvider } from './token.ts';
import {
  TransportError,
  isTransientTransportFailure,
  transportToGraphError,
} from './transport-error.ts';
import type { HttpResponse, HttpSend } from './transport.ts';
import { translateGraphResponse } from './translate-graph-error.ts';
import type { GraphEvent } from './types.ts';

/** What an authorised Graph GET needs. */
export interface GraphRequesterDeps {
  /** e.g. `https://graph.microsoft.com`, no trailing slash. */
  graphEndpoint: string;
  send: HttpSend;
  timeoutMs: number;
  retry: RetryRuntime;
  tokens: TokenProvider;
  onEvent?: ((e: GraphEvent) => void) | undefined;
}

/** A successful Graph answer, JSON-parsed but not yet validated. */
export interface GraphJson {
  json: unknown;
  requestId: string | undefined;
}

/** Per-request extras: headers Graph wants on every page (e.g. ConsistencyLevel), cancel. */
export interface GraphGetOptions {
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
  /** Another method than GET (subscriptions); a body is sent as JSON. */
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
}

/** GETs a Graph path (`/v1.0/…`) or a link Graph returned, with token, retries and translation. */
export type GraphGet = (pathOrLink: string, options?: GraphGetOptions) => Promise<GraphJson>;

/**
 * Builds the one place every Graph read goes through. Links are followed verbatim but only
 * on the configured Graph origin: the bearer token must never travel to another host.
 */
export function createGraphGet(deps: GraphRequesterDeps): GraphGet {
  const origin = new URL(deps.graphEndpoint).origin;
  return (pathOrLink, options = {}) => {
    const url = pathOrLink.startsWith('/') ? `${deps.graphEndpoint}${pathOrLink}` : pathOrLink;
    if (originOf(url) !== origin) {
      return Promise.reject(
        new GraphError(
          'graph_error',
          `Refusing to follow a Graph link to another host: ${originOf(url) ?? url}`,
        ),
      );
    }
    return withRetry(deps.retry, () => attempt(deps, url, options));
  };
}

async function attempt(
  deps: GraphRequesterDeps,
  url: string,
  options: GraphGetOptions,
): Promise<GraphJson> {
  let res = await sendOnce(deps, url, options, false);
  // Graph refused the token (revoked, rotated keys): fetch a fresh one once, bypassing
  // msal's cache, and try again straight away.
  if (res.status === 401 && readGraphErrorBody(res.text).code === 'InvalidAuthenticationToken') {
    res = await sendOnce(deps, url, options, true);
  }
  const requestId = res.headers['request-id'];
  // 204 No Content (DELETE, reauthorize): nothing to parse.
  if (res.status === 204) return { json: null, requestId };
  if (res.status >= 200 && res.status < 300) {
    const json = tryParseJson(res.text);
    if (json === undefined) {
      throw new RetryableAttemptError(
        { kind: 'unreadable' },
        (attempts) =>
          new GraphError(
            'graph_error',
            `Microsoft Graph kept sending unreadable answers (${attempts} attempts); the next run will try again`,
            { httpStatus: res.status, requestId },
          ),
      );
    }
    return { json, requestId };
  }
  if (isRetryableStatus(res.status)) {
    throw new RetryableAttemptError(
      { kind: 'status', status: res.status, retryAfter: res.headers['retry-after'] },
      (attempts) => translateGraphResponse(res, attempts),
    );
  }
  throw translateGraphResponse(res, 1);
}

async function sendOnce(
  deps: GraphRequesterDeps,
  url: string,
  options: GraphGetOptions,
  forceRefresh: boolean,
): Promise<HttpResponse> {
  const token = await deps.tokens.getToken({ forceRefresh });
  let res: HttpResponse;
  try {
    const withBody = options.body !== undefined;
    res = await deps.send({
      method: options.method ?? 'GET',
      url,
      headers: {
        ...options.headers,
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(withBody ? { 'content-type': 'application/json' } : {}),
      },
      ...(withBody ? { body: JSON.stringify(options.body) } : {}),
      timeoutMs: deps.timeoutMs,
      signal: options.signal,
    });
  } catch (err) {
    if (!(err instanceof TransportError) || err.kind === 'aborted') throw err;
    if (isTransientTransportFailure(err.kind)) {
      throw new RetryableAttemptError({ kind: 'transport' }, (attempts) =>
        transportToGraphError(err, attempts),
      );
    }
    throw transportToGraphError(err, 1);
  }
  deps.onEvent?.({ type: 'request', target: 'graph', status: res.status });
  return res;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
