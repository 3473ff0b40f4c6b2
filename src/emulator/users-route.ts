import { idHeaders, sendGraphError, sendJson, type Exchange } from './exchange.ts';
import { authenticate } from './graph-auth.ts';
import { graphLink } from './links.ts';
import {
  parseFilter,
  parseSelect,
  parseTop,
  project,
  QueryError,
  type UserFilter,
} from './odata-query.ts';
import type { EmulatorState } from './state.ts';
import { LIVE, type UserStore } from './user-store.ts';
import type { EmulatedUser } from './types.ts';

const USERS_OPTIONS = new Set(['$select', '$top', '$filter', '$skiptoken', '$count']);

/** Refuses `$`-options Graph would refuse, instead of silently ignoring them. */
export function checkOptions(url: URL, allowed: ReadonlySet<string>): void {
  for (const key of url.searchParams.keys()) {
    if (key.startsWith('$') && !allowed.has(key.toLowerCase())) {
      throw new QueryError('BadRequest', `Query option '${key}' is not allowed.`);
    }
  }
}

/** Answers a QueryError with the Graph 400 envelope; rethrows anything else. */
export function answerQueryError(ex: Exchange, err: unknown): void {
  if (err instanceof QueryError) return sendGraphError(ex, 400, err.code, err.message);
  throw err;
}

function contextUrl(state: EmulatorState, select: readonly string[], selected: boolean): string {
  return selected
    ? `${state.origin}/v1.0/$metadata#users(${select.join(',')})`
    : `${state.origin}/v1.0/$metadata#users`;
}

/** `GET /v1.0/users`: live users in creation order, `$select`, `$top`, `$filter`, paging. */
export function handleUsers(ex: Exchange, state: EmulatorState): void {
  const tenant = authenticate(ex, state);
  if (!tenant) return;
  const params = ex.url.searchParams;
  try {
    checkOptions(ex.url, USERS_OPTIONS);
    const rawSelect = params.get('$select');
    const select = parseSelect(rawSelect);
    const top = parseTop(params.get('$top'));
    const filter = parseFilter(params.get('$filter'));
    const wantCount = params.get('$count')?.toLowerCase() === 'true';
    if (wantCount && ex.req.headers['consistencylevel']?.toString().toLowerCase() !== 'eventual') {
      throw new QueryError(
        'Request_BadRequest',
        '$count is not currently supported without the ConsistencyLevel:eventual header.',
      );
    }
    let start = 0;
    const skip = params.get('$skiptoken');
    if (skip !== null) {
      const cursor = state.signer.open(skip);
      if (!isUsersCursor(cursor) || cursor.t !== tenant.id) {
        throw new QueryError(
          'Directory_ExpiredPageToken',
          'The specified page token value has expired and can no longer be included in your request.',
        );
      }
      start = cursor.p;
    }
    const store = tenant.store;
    const value: Record<string, unknown>[] = [];
    let index = start;
    for (; index < store.size && value.length < top; index++) {
      if (store.stateAt(index) !== LIVE) continue;
      const user = store.at(index) as EmulatedUser;
      if (filter && !filter(user)) continue;
      value.push(project(user, select));
    }
    // Skip ahead past non-matching records so the last page does not carry a useless link.
    while (
      index < store.size &&
      (store.stateAt(index) !== LIVE || (filter && !filter(store.at(index) as EmulatedUser)))
    ) {
      index++;
    }
    const body: Record<string, unknown> = {
      '@odata.context': contextUrl(state, select, rawSelect !== null),
    };
    if (wantCount) body['@odata.count'] = countMatching(tenant.store, filter);
    if (index < store.size) {
      const kept = [...params].filter(([key]) => key !== '$skiptoken');
      kept.push(['$skiptoken', state.signer.seal({ t: tenant.id, p: index })]);
      body['@odata.nextLink'] = graphLink(`${state.origin}/v1.0/users`, kept);
    }
    body.value = value;
    sendJson(ex, 200, body);
  } catch (err) {
    answerQueryError(ex, err);
  }
}

/**
 * `GET /v1.0/users/$count`: the number of live users (matching `$filter`, if given), as
 * text/plain. Counting is an advanced query: without `ConsistencyLevel: eventual` Graph
 * answers 400 `Request_BadRequest` "$count is not currently supported." (concepts/
 * aad-advanced-queries.md, "Error handling for advanced queries on directory objects").
 * `usersCountLag` lets tests model the eventually consistent index lagging behind.
 */
export function handleUsersCount(ex: Exchange, state: EmulatorState): void {
  const tenant = authenticate(ex, state);
  if (!tenant) return;
  try {
    checkOptions(ex.url, new Set(['$filter']));
    if (ex.req.headers['consistencylevel']?.toString().toLowerCase() !== 'eventual') {
      throw new QueryError('Request_BadRequest', '$count is not currently supported.');
    }
    const filter = parseFilter(ex.url.searchParams.get('$filter'));
    const count = Math.max(0, countMatching(tenant.store, filter) - tenant.usersCountLag);
    const text = String(count);
    ex.res.writeHead(200, {
      ...idHeaders(ex),
      'content-type': 'text/plain',
      'content-length': String(Buffer.byteLength(text)),
    });
    ex.res.end(text);
  } catch (err) {
    answerQueryError(ex, err);
  }
}

function countMatching(store: UserStore, filter: UserFilter | null): number {
  let n = 0;
  for (let i = 0; i < store.size; i++) {
    if (store.stateAt(i) === LIVE && (!filter || filter(store.at(i) as EmulatedUser))) n++;
  }
  return n;
}

interface UsersCursor {
  t: string;
  p: number;
}

function isUsersCursor(v: unknown): v is UsersCursor {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return typeof c.t === 'string' && typeof c.p === 'number' && Number.isInteger(c.p) && c.p >= 0;
}

/** `GET /v1.0/users/{id | userPrincipalName}`: one live user. */
export function handleUser(ex: Exchange, state: EmulatorState, key: string): void {
  const tenant = authenticate(ex, state);
  if (!tenant) return;
  try {
    checkOptions(ex.url, new Set(['$select']));
    const select = parseSelect(ex.url.searchParams.get('$select'));
    let user = tenant.getUser(key);
    if (!user && key.includes('@')) {
      const wanted = key.toLowerCase();
      for (const u of tenant.users()) {
        if (u.userPrincipalName.toLowerCase() === wanted) {
          user = u;
          break;
        }
      }
    }
    if (!user) {
      return sendGraphError(
        ex,
        404,
        'Request_ResourceNotFound',
        `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    sendJson(ex, 200, {
      '@odata.context': `${state.origin}/v1.0/$metadata#users(${select.join(',')})/$entity`,
      ...project(user, select),
    });
  } catch (err) {
    answerQueryError(ex, err);
  }
}
