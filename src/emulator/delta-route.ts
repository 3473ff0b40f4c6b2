import { sendGraphError, sendJson, type Exchange } from './exchange.ts';
import { authenticate } from './graph-auth.ts';
import { graphLink } from './links.ts';
import { deltaPage, type DeltaCursor } from './delta-page.ts';
import { parseSelect, QueryError } from './odata-query.ts';
import { DELTA_TOKEN_LIFETIME_MS, type EmulatorState } from './state.ts';
import type { Tenant } from './tenant.ts';
import { answerQueryError, checkOptions } from './users-route.ts';

const DELTA_OPTIONS = new Set(['$select', '$deltatoken', '$skiptoken', '$top']);

function isCursor(v: unknown): v is DeltaCursor {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return (
    typeof c.t === 'string' &&
    typeof c.g === 'number' &&
    typeof c.i === 'number' &&
    Array.isArray(c.s) &&
    c.s.every((x) => typeof x === 'string') &&
    (c.k === 'full' || c.k === 'since') &&
    typeof c.p === 'number' &&
    typeof c.to === 'number' &&
    typeof c.end === 'number'
  );
}

function link(
  state: EmulatorState,
  kind: '$skiptoken' | '$deltatoken',
  cursor: DeltaCursor,
): string {
  return graphLink(`${state.origin}/v1.0/users/delta`, [[kind, state.signer.seal(cursor)]]);
}

/** 410 Gone with a Location to restart from scratch, as Graph does for stale delta state. */
function gone(ex: Exchange, state: EmulatorState, select: readonly string[]): void {
  const restart = graphLink(`${state.origin}/v1.0/users/delta`, [['$select', select.join(',')]]);
  sendGraphError(
    ex,
    410,
    'syncStateNotFound',
    'The sync state generation is not valid or has expired. Restart the synchronization from scratch.',
    { location: restart },
  );
}

/**
 * `GET /v1.0/users/delta`: first call (optionally `$select`, or `$deltatoken=latest`), then
 * the nextLinks of the round and finally a deltaLink, whose later use lists changes only.
 */
export function handleDelta(ex: Exchange, state: EmulatorState): void {
  const tenant = authenticate(ex, state);
  if (!tenant) return;
  const params = ex.url.searchParams;
  try {
    checkOptions(ex.url, DELTA_OPTIONS);
    const skip = params.get('$skiptoken');
    const delta = params.get('$deltatoken');
    let cursor: DeltaCursor;
    if (skip !== null || (delta !== null && delta !== 'latest')) {
      const opened = state.signer.open((skip ?? delta) as string);
      if (!isCursor(opened) || opened.t !== tenant.id) {
        throw new QueryError('BadRequest', 'Invalid or malformed delta token.');
      }
      if (opened.g !== tenant.deltaGeneration || ex.now - opened.i > DELTA_TOKEN_LIFETIME_MS) {
        return gone(ex, state, opened.s);
      }
      // A deltaLink starts a new round: its upper bound is "now".
      cursor = opened.to < 0 ? { ...opened, to: tenant.store.seq } : opened;
    } else {
      const select = [...parseSelect(params.get('$select'))];
      if (delta === 'latest') {
        const start = newCursor(tenant, select, ex.now, 'since', tenant.store.seq);
        return sendRound(ex, state, select, [], null, start);
      }
      cursor = newCursor(tenant, select, ex.now, 'full', 0);
      cursor.to = tenant.store.seq;
      cursor.end = tenant.store.size;
    }
    const page = deltaPage(tenant.store, cursor, state.deltaPageSize, tenant.deltaOddities);
    if (page.next) {
      return sendRound(ex, state, cursor.s, page.entries, { ...page.next, i: ex.now }, null);
    }
    const after = newCursor(tenant, cursor.s, ex.now, 'since', cursor.to);
    sendRound(ex, state, cursor.s, page.entries, null, after);
  } catch (err) {
    answerQueryError(ex, err);
  }
}

function newCursor(
  tenant: Tenant,
  select: string[],
  now: number,
  kind: DeltaCursor['k'],
  position: number,
): DeltaCursor {
  return {
    t: tenant.id,
    g: tenant.deltaGeneration,
    i: now,
    s: select,
    k: kind,
    p: position,
    to: -1,
    end: 0,
  };
}

function sendRound(
  ex: Exchange,
  state: EmulatorState,
  select: readonly string[],
  value: unknown[],
  next: DeltaCursor | null,
  deltaStart: DeltaCursor | null,
): void {
  const body: Record<string, unknown> = {
    '@odata.context': `${state.origin}/v1.0/$metadata#users(${select.join(',')})`,
  };
  if (next) body['@odata.nextLink'] = link(state, '$skiptoken', next);
  if (deltaStart) body['@odata.deltaLink'] = link(state, '$deltatoken', deltaStart);
  body.value = value;
  sendJson(ex, 200, body);
}
