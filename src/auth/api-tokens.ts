import { randomBytes } from 'node:crypto';
import { newId } from '../db/ids.ts';
import type { ApiTokenScope, ApiTokensTable, Db } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import { tokenHash } from './tokens.ts';

/**
 * The only module that reads or writes `api_tokens`. A token's value is `aus_` + 32 random
 * bytes (base64url): the prefix tells it apart from a session token (and lets secret
 * scanners recognise a leaked one); only its SHA-256 is stored.
 */
export const API_TOKEN_PREFIX = 'aus_';

export const API_TOKEN_SCOPES = ['read', 'read-write'] as const satisfies readonly ApiTokenScope[];

/** Tokens live at most this long: a forgotten script credential expires on its own. */
export const MAX_TOKEN_DAYS = 366;

export interface ApiToken {
  id: string;
  orgId: string;
  name: string;
  scope: ApiTokenScope;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
}

/** What a request authenticated by a token acts as. */
export interface TokenIdentity {
  id: string;
  orgId: string;
  name: string;
  scope: ApiTokenScope;
}

/** True when a bearer value has the shape of an API token (not a session token). */
export function isApiTokenValue(value: string): boolean {
  return value.startsWith(API_TOKEN_PREFIX);
}

function toToken(row: ApiTokensTable): ApiToken {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    scope: row.scope,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
    revokedAt: row.revoked_at,
  };
}

/** Creates a token and returns it with its value; the value is never retrievable again. */
export async function createApiToken(
  db: Db,
  input: { orgId: string; name: string; scope: ApiTokenScope; expiresAt: Date; createdBy: string },
  now: Date,
): Promise<{ token: ApiToken; value: string }> {
  const value = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const row: ApiTokensTable = {
    id: newId(),
    org_id: input.orgId,
    name: input.name,
    token_hash: tokenHash(value),
    scope: input.scope,
    created_by: input.createdBy,
    created_at: now.toISOString(),
    expires_at: input.expiresAt.toISOString(),
    last_used_at: null,
    last_used_ip: null,
    revoked_at: null,
  };
  await db.insertInto('api_tokens').values(row).execute();
  return { token: toToken(row), value };
}

/** The organisation's tokens, newest first, revoked ones included (they say when). */
export async function listApiTokens(db: Db, orgId: string): Promise<ApiToken[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toToken);
}

/** Revokes a token of this organisation (404 for another's); revoking twice is harmless. */
export async function revokeApiToken(
  db: Db,
  orgId: string,
  id: string,
  now: Date,
): Promise<ApiToken> {
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('Token');
  if (row.revoked_at !== null) return toToken(row);
  const revokedAt = now.toISOString();
  await db.updateTable('api_tokens').set({ revoked_at: revokedAt }).where('id', '=', id).execute();
  return toToken({ ...row, revoked_at: revokedAt });
}

/** Last use is written at most once a minute per token, so polling scripts cost no writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The token behind a bearer value when it is neither revoked nor expired, or undefined.
 * Records its last use (time and client address).
 */
export async function resolveApiToken(
  db: Db,
  value: string,
  now: Date,
  ip: string,
): Promise<TokenIdentity | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'org_id', 'name', 'scope', 'last_used_at', 'last_used_ip'])
    .where('token_hash', '=', tokenHash(value))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  if (!row) return undefined;
  const stale =
    row.last_used_at === null ||
    now.getTime() - Date.parse(row.last_used_at) >= LAST_USED_RESOLUTION_MS ||
    row.last_used_ip !== ip;
  if (stale) {
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: now.toISOString(), last_used_ip: ip })
      .where('id', '=', row.id)
      .execute();
  }
  return { id: row.id, orgId: row.org_id, name: row.name, scope: row.scope };
}
