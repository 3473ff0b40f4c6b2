import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendGraphError, openExchange, type Exchange } from './exchange.ts';
import { handleDelta } from './delta-route.ts';
import { applyFault } from './fault-response.ts';
import { decodeQuery, type FaultInjector } from './faults.ts';
import {
  handleInstanceDiscovery,
  handleJwks,
  handleOpenIdConfiguration,
} from './metadata-route.ts';
import type { RequestLog } from './request-log.ts';
import type { EmulatorState } from './state.ts';
import { handleToken } from './token-route.ts';
import { handleGroupDelta, handleGroups, handleTransitiveUsers } from './groups-route.ts';
import { handleUser, handleUsers, handleUsersCount } from './users-route.ts';
import { handleSubscriptions, isSubscriptionPath } from './subscriptions-route.ts';

/** Everything the request handler needs besides the per-route state. */
export interface RouterDeps {
  state: EmulatorState;
  faults: FaultInjector;
  log: RequestLog;
  latencyMs: number;
  stalls: Set<NodeJS.Timeout>;
  /** Control API under /_emulator/ (no faults, not logged). */
  control(ex: Exchange): Promise<void>;
}

const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
const OPENID_PATH = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/;
const JWKS_PATH = /^\/([^/]+)\/discovery\/v2\.0\/keys$/;
const USER_PATH = /^\/v1\.0\/users\/([^/]+)$/;
const TRANSITIVE_PATH =
  /^\/v1\.0\/groups\/([^/]+)\/transitiveMembers\/microsoft\.graph\.user(\/\$count)?$/;

/** Creates the request listener of the emulator's HTTP(S) server. */
export function createRequestHandler(deps: RouterDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void handle(deps, req, res).catch((err: unknown) => {
      // A bug in the emulator: answer 500 in Graph's shape rather than hanging the client.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'generalException', message: String(err) } }));
      } else {
        res.destroy();
      }
    });
  };
}

async function handle(deps: RouterDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { state } = deps;
  const ex = openExchange(req, res, state.origin, state.now());
  const path = ex.url.pathname;
  const method = req.method ?? 'GET';
  if (path.startsWith('/_emulator/') || path === '/_emulator') return deps.control(ex);

  const at = Date.now();
  const query = decodeQuery(ex.url.search.slice(1));
  res.once('close', () => {
    deps.log.push({ method, path, query, status: res.headersSent ? res.statusCode : 0, at });
  });
  if (deps.latencyMs > 0) await new Promise((r) => setTimeout(r, deps.latencyMs));

  const token = TOKEN_PATH.exec(path);
  const fault = deps.faults.decide(method, path, token !== null, query);
  if (fault) return applyFault(ex, fault, deps.stalls);

  if (token && method === 'POST')
    return handleToken(ex, state, decodeURIComponent(token[1] as string));
  if (isSubscriptionPath(path)) return handleSubscriptions(ex, state);
  if (method !== 'GET') {
    return sendGraphError(
      ex,
      405,
      'Request_BadRequest',
      `The HTTP method '${method}' is not allowed.`,
    );
  }
  const openid = OPENID_PATH.exec(path);
  if (openid) return handleOpenIdConfiguration(ex, state, decodeURIComponent(openid[1] as string));
  if (JWKS_PATH.test(path)) return handleJwks(ex);
  if (path === '/common/discovery/instance') return handleInstanceDiscovery(ex, state);
  if (path === '/v1.0/users') return handleUsers(ex, state);
  if (path === '/v1.0/users/delta') return handleDelta(ex, state);
  if (path === '/v1.0/users/$count' || path === '/v1.0/users/%24count') {
    return handleUsersCount(ex, state);
  }
  if (path === '/v1.0/groups') return handleGroups(ex, state);
  if (path === '/v1.0/groups/delta') return handleGroupDelta(ex, state);
  const transitive = TRANSITIVE_PATH.exec(path);
  if (transitive) {
    const id = decodeURIComponent(transitive[1] as string);
    return handleTransitiveUsers(ex, state, id, transitive[2] !== undefined);
  }
  const user = USER_PATH.exec(path);
  if (user) return handleUser(ex, state, decodeURIComponent(user[1] as string));
  sendGraphError(
    ex,
    400,
    'BadRequest',
    `Resource not found for the segment '${path.split('/').filter(Boolean).pop() ?? ''}'.`,
  );
}
