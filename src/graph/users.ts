import { GraphError } from './errors.ts';
import type { GraphGet, GraphJson } from './graph-request.ts';
import { pages } from './paging.ts';
import {
  parseEnvelope,
  parseUser,
  toDeltaPage,
  toUsersPage,
  type PageEnvelope,
} from './parse-users.ts';
import {
  USER_PROPERTIES,
  type DeltaPage,
  type DeltaStart,
  type GraphUser,
  type ListUsersOptions,
  type PagingOptions,
  type UsersPage,
} from './types.ts';

/** `$select` of every read: exactly the properties of SPEC §3. */
export const USER_SELECT = USER_PROPERTIES.join(',');

/** The first URL of a full listing. */
export const LIST_USERS_PATH = `/v1.0/users?$select=${USER_SELECT}&$top=999`;

/** The first URL of a delta round from scratch. */
export const DELTA_USERS_PATH = `/v1.0/users/delta?$select=${USER_SELECT}`;

/**
 * The first URL of one partition of a full listing: users whose UPN starts with `prefix`.
 * `startsWith` on userPrincipalName works by default, without advanced query parameters
 * (api-reference/v1.0/resources/user.md: "Supports $filter (eq, ne, not, ge, le, in,
 * startsWith, endsWith)"; concepts/aad-advanced-queries.md lists which need them).
 */
export function listUsersPath(prefix: string): string {
  const filter = `startswith(userPrincipalName,'${prefix.replace(/'/g, "''")}')`;
  return `${LIST_USERS_PATH}&$filter=${encodeURIComponent(filter)}`;
}

/** Every user of the directory (or of one UPN partition), page by page. */
export function listUsers(get: GraphGet, options: ListUsersOptions = {}): AsyncIterable<UsersPage> {
  const first =
    options.upnStartsWith === undefined ? LIST_USERS_PATH : listUsersPath(options.upnStartsWith);
  return pages(get, first, {
    parse: (res) => toUsersPage(envelope(res)),
    prefetch: options.prefetch,
  });
}

/**
 * One delta round: from scratch (`{initial:true}`) or from a stored deltaLink, followed
 * verbatim. Throws ResyncRequiredError when Graph no longer knows the stored state.
 */
export function deltaUsers(
  get: GraphGet,
  start: DeltaStart,
  options: PagingOptions = {},
): AsyncIterable<DeltaPage> {
  const first = 'deltaLink' in start ? start.deltaLink : DELTA_USERS_PATH;
  return pages(get, first, {
    parse: (res) => toDeltaPage(envelope(res)),
    prefetch: options.prefetch,
  });
}

/** A deltaLink that reports only changes made from now on (`$deltatoken=latest`). */
export async function latestDeltaLink(get: GraphGet): Promise<string> {
  for await (const page of deltaUsers(get, {
    deltaLink: `${DELTA_USERS_PATH}&$deltatoken=latest`,
  })) {
    if (page.deltaLink !== null) return page.deltaLink;
  }
  throw new GraphError('graph_error', 'Microsoft Graph ended a delta round without a deltaLink');
}

/**
 * `GET /users/$count`: Graph counts directory objects only as an advanced query, so the
 * request carries `ConsistencyLevel: eventual` (without it Graph answers 400
 * Request_BadRequest, concepts/aad-advanced-queries.md). The answer is text/plain.
 */
export async function countUsers(get: GraphGet): Promise<number> {
  const res = await get('/v1.0/users/$count', { headers: { ConsistencyLevel: 'eventual' } });
  if (typeof res.json !== 'number' || !Number.isInteger(res.json) || res.json < 0) {
    throw new GraphError('graph_error', 'Microsoft Graph returned a malformed user count', {
      requestId: res.requestId,
    });
  }
  return res.json;
}

/** One user by object id with the full `$select`, or null when Graph answers 404. */
export async function getUser(get: GraphGet, id: string): Promise<GraphUser | null> {
  let res: GraphJson;
  try {
    res = await get(`/v1.0/users/${encodeURIComponent(id)}?$select=${USER_SELECT}`);
  } catch (err) {
    if (err instanceof GraphError && err.httpStatus === 404) return null;
    throw err;
  }
  const user = parseUser(res.json);
  if (!user) {
    throw new GraphError('graph_error', `Microsoft Graph returned a malformed user for ${id}`, {
      requestId: res.requestId,
    });
  }
  return user;
}

function envelope(res: GraphJson): PageEnvelope {
  const env = parseEnvelope(res.json);
  if (!env) {
    throw new GraphError('graph_error', 'Microsoft Graph returned a page without a "value" list', {
      requestId: res.requestId,
    });
  }
  return env;
}
