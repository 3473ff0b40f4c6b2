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
  type PagingOptions,
  type UsersPage,
} from './types.ts';

/** `$select` of every read: exactly the properties of SPEC §3. */
export const USER_SELECT = USER_PROPERTIES.join(',');

/** The first URL of a full listing. */
export const LIST_USERS_PATH = `/v1.0/users?$select=${USER_SELECT}&$top=999`;

/** The first URL of a delta round from scratch. */
export const DELTA_USERS_PATH = `/v1.0/users/delta?$select=${USER_SELECT}`;

/** Every user of the directory, page by page. */
export function listUsers(get: GraphGet, options: PagingOptions = {}): AsyncIterable<UsersPage> {
  return pages(get, LIST_USERS_PATH, {
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
