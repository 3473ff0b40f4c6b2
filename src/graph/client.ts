import { createHash } from 'node:crypto';
import { resolveEndpoints } from './clouds.ts';
import { createGraphGet } from './graph-request.ts';
import { groupMembersDelta, groupUserCount, searchGroups } from './groups.ts';
import { realSleep, type RetryRuntime } from './retry.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, type RetryableFailure } from './retry-policy.ts';
import { testConnection } from './test-connection.ts';
import { createTokenProvider } from './token.ts';
import { DEFAULT_TIMEOUT_MS, createHttpSend, getDispatcher } from './transport.ts';
import type { GraphClient, GraphCloud, GraphEvent } from './types.ts';
import { countUsers, deltaUsers, getUser, latestDeltaLink, listUsers } from './users.ts';
import { createSubscription, deleteSubscription, renewSubscription } from './subscriptions.ts';

/** Everything one integration's Graph client needs. */
export interface GraphClientOptions {
  cloud: GraphCloud;
  /** Directory (tenant) ID: a GUID or a verified domain. */
  tenantId: string;
  /** Application (client) ID. */
  applicationId: string;
  /** The client secret's value. Kept in memory only, never logged. */
  secret: string;
  /** Server-wide login host override (config AZURE_AUTHORITY_HOST). */
  authorityHost?: string | undefined;
  /** Server-wide Graph base URL override (config GRAPH_ENDPOINT). */
  graphEndpoint?: string | undefined;
  /** Extra CA certificates (PEM) to trust besides the system ones, e.g. the emulator's. */
  extraCaPem?: string[] | undefined;
  /** Limit for one HTTP exchange (connect, headers, body). Default 30 s. */
  timeoutMs?: number | undefined;
  /** Attempts per request, the first included. Default 8. */
  maxAttempts?: number | undefined;
  /** Other retry limits (backoff base and caps, total time). */
  retryPolicy?: Partial<RetryPolicy> | undefined;
  /** How to wait between attempts; tests inject a fast one. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Randomness of the backoff jitter, in [0, 1). */
  random?: (() => number) | undefined;
  /** Requests, retries and throttling, for metrics. */
  onEvent?: ((e: GraphEvent) => void) | undefined;
  /** Default read-ahead for listUsers / deltaUsers. */
  prefetch?: boolean | undefined;
}

/**
 * Creates the Graph client of one integration. Cheap: the HTTP agent (per CA set) and the
 * msal app with its token cache (per authority, application, secret) are shared between
 * clients, so creating one per run still reuses tokens and connections.
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const endpoints = resolveEndpoints(options.cloud, options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const send = createHttpSend(getDispatcher(options.extraCaPem ?? []));
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...options.retryPolicy,
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  };
  const runtime = (target: GraphEvent['target']): RetryRuntime => ({
    policy,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    now: Date.now,
    onRetry: (failure, waitMs) => options.onEvent?.(retryEvent(target, failure, waitMs)),
  });
  const tokens = createTokenProvider({
    authorityHost: endpoints.authorityHost,
    tenantId: options.tenantId,
    clientId: options.applicationId,
    secret: options.secret,
    scope: endpoints.scope,
    network: { send, timeoutMs, retry: runtime('token'), onEvent: options.onEvent },
    transportKey: transportKey(options.extraCaPem ?? []),
  });
  const get = createGraphGet({
    graphEndpoint: endpoints.graphEndpoint,
    send,
    timeoutMs,
    retry: runtime('graph'),
    tokens,
    onEvent: options.onEvent,
  });
  const paging = (o: { prefetch?: boolean } | undefined) => ({
    prefetch: o?.prefetch ?? options.prefetch ?? false,
  });
  return {
    listUsers: (o) => listUsers(get, { ...o, ...paging(o) }),
    countUsers: () => countUsers(get),
    deltaUsers: (start, o) => deltaUsers(get, start, paging(o)),
    latestDeltaLink: () => latestDeltaLink(get),
    getUser: (id) => getUser(get, id),
    testConnection: (o) => testConnection({ tokens, get }, o),
    searchGroups: (prefix) => searchGroups(get, prefix),
    groupUserCount: (id) => groupUserCount(get, id),
    groupMembersDelta: (start) => groupMembersDelta(get, start),
    subscriptions: {
      create: (req) => createSubscription(get, req),
      renew: (id, expirationDateTime) => renewSubscription(get, id, expirationDateTime),
      remove: (id) => deleteSubscription(get, id),
    },
  };
}

function retryEvent(
  target: GraphEvent['target'],
  failure: RetryableFailure,
  waitMs: number,
): GraphEvent {
  if (failure.kind !== 'status') return { type: 'retry', target, waitMs };
  const throttled = failure.status === 429 || failure.retryAfter !== undefined;
  return { type: throttled ? 'throttled' : 'retry', target, status: failure.status, waitMs };
}

function transportKey(extraCaPem: readonly string[]): string {
  const h = createHash('sha256');
  for (const pem of [...extraCaPem].sort()) h.update('\0').update(pem);
  return h.digest('hex');
}
