import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { GraphError } from './errors.ts';
import { tryParseJson } from './graph-error-body.ts';
import { RetryableAttemptError, withRetry, type RetryRuntime } from './retry.ts';
import { isRetryableStatus } from './retry-policy.ts';
import { TokenTransportError } from './token-transport-error.ts';
import {
  TransportError,
  isTransientTransportFailure,
  transportToGraphError,
} from './transport-error.ts';
import { hostOf, type HttpResponse, type HttpSend } from './transport.ts';
import type { GraphEvent } from './types.ts';

/** What the network module for msal is built from. */
export interface MsalNetworkDeps {
  send: HttpSend;
  timeoutMs: number;
  retry: RetryRuntime;
  onEvent?: ((e: GraphEvent) => void) | undefined;
}

/**
 * msal's network client on our undici transport, so the token endpoint gets the same CA,
 * proxy, timeout and retry handling as Graph. Busy answers (429/5xx) and transient network
 * failures are retried here, below msal: msal's own throttling cache would otherwise
 * refuse the identical retry for up to a minute.
 */
export function createMsalNetworkModule(deps: MsalNetworkDeps): INetworkModule {
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) =>
      exchange<T>(deps, 'GET', url, options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) =>
      exchange<T>(deps, 'POST', url, options),
  };
}

async function exchange<T>(
  deps: MsalNetworkDeps,
  method: 'GET' | 'POST',
  url: string,
  options: NetworkRequestOptions | undefined,
): Promise<NetworkResponse<T>> {
  const res = await withRetry(deps.retry, () => attempt(deps, method, url, options));
  return { status: res.status, headers: res.headers, body: msalBody<T>(res) };
}

async function attempt(
  deps: MsalNetworkDeps,
  method: 'GET' | 'POST',
  url: string,
  options: NetworkRequestOptions | undefined,
): Promise<HttpResponse> {
  let res: HttpResponse;
  try {
    res = await deps.send({
      method,
      url,
      headers: options?.headers ?? {},
      ...(options?.body !== undefined ? { body: options.body } : {}),
      timeoutMs: deps.timeoutMs,
    });
  } catch (err) {
    if (!(err instanceof TransportError)) throw err;
    const fail = (attempts: number) =>
      new TokenTransportError(transportToGraphError(err, attempts));
    if (isTransientTransportFailure(err.kind)) {
      throw new RetryableAttemptError({ kind: 'transport' }, fail);
    }
    throw fail(1);
  }
  deps.onEvent?.({ type: 'request', target: 'token', status: res.status });
  if (isRetryableStatus(res.status)) {
    throw new RetryableAttemptError(
      { kind: 'status', status: res.status, retryAfter: res.headers['retry-after'] },
      (attempts) => new TokenTransportError(busy(url, res.status, attempts)),
    );
  }
  if (res.status >= 200 && res.status < 300 && tryParseJson(res.text) === undefined) {
    throw new RetryableAttemptError(
      { kind: 'unreadable' },
      (attempts) =>
        new TokenTransportError(
          new GraphError(
            'graph_error',
            `${hostOf(url)} kept sending unreadable answers (${attempts} attempts)`,
          ),
        ),
    );
  }
  return res;
}

function busy(url: string, status: number, attempts: number): GraphError {
  return new GraphError(
    'throttled',
    `The Microsoft sign-in service ${hostOf(url)} was still busy (HTTP ${status}) after ` +
      `${attempts} attempts; the next run will try again`,
    { httpStatus: status },
  );
}

/**
 * msal expects the parsed JSON body; like msal's own client, a non-JSON error body becomes
 * a generic `{error, error_description}` so msal still raises a ServerError with the status.
 */
function msalBody<T>(res: HttpResponse): T {
  const json = tryParseJson(res.text);
  if (json !== undefined) return json as T;
  const kind = res.status >= 500 ? 'server_error' : 'client_error';
  return { error: kind, error_description: `HTTP ${res.status} with an unreadable body` } as T;
}
