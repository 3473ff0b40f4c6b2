import { isRecord } from './graph-error-body.ts';
import {
  EMPLOYEE_ORG_DATA_KEYS,
  EXTENSION_ATTRIBUTES,
  type DeltaPage,
  type GraphUser,
  type InvalidEntry,
  type RemovedUser,
  type UsersPage,
} from './types.ts';

/** The envelope every collection page shares. */
export interface PageEnvelope {
  value: unknown[];
  nextLink: string | null;
  deltaLink: string | null;
}

/** Reads `{value:[…], @odata.nextLink?, @odata.deltaLink?}`; null when it is not that shape. */
export function parseEnvelope(json: unknown): PageEnvelope | null {
  if (!isRecord(json) || !Array.isArray(json.value)) return null;
  const next = json['@odata.nextLink'];
  const delta = json['@odata.deltaLink'];
  if (next !== undefined && next !== null && typeof next !== 'string') return null;
  if (delta !== undefined && delta !== null && typeof delta !== 'string') return null;
  return { value: json.value, nextLink: next ?? null, deltaLink: delta ?? null };
}

/**
 * Validates one user. A property Graph left out reads as null; a property of the wrong type
 * or a missing id makes the whole entry invalid (null), so nothing half-read goes further.
 */
export function parseUser(raw: unknown): GraphUser | null {
  const r = readUser(raw);
  return 'user' in r ? r.user : null;
}

/** Like parseUser, but says which property made the entry unusable. */
export function readUser(raw: unknown): { user: GraphUser } | { invalid: InvalidEntry } {
  if (!isRecord(raw)) return { invalid: { id: null, property: '(entry)' } };
  const id = raw.id;
  if (typeof id !== 'string' || id.trim() === '') return { invalid: { id: null, property: 'id' } };
  let bad: string | null = null;
  const enabled = raw.accountEnabled;
  if (enabled !== undefined && enabled !== null && typeof enabled !== 'boolean') {
    bad = 'accountEnabled';
  }
  const text = (name: string): string | null => {
    const v = raw[name];
    if (typeof v === 'string') return v;
    if (v !== undefined && v !== null) bad ??= name;
    return null;
  };
  // Nested objects are read key by key; a wrong type is reported as `parent/key`.
  const object = <K extends string>(name: string, keys: readonly K[]) => {
    const v = raw[name];
    if (v === undefined || v === null) return null;
    if (!isRecord(v)) {
      bad ??= name;
      return null;
    }
    const out = {} as Record<K, string | null>;
    for (const key of keys) {
      const x = v[key];
      if (typeof x === 'string') out[key] = x;
      else {
        if (x !== undefined && x !== null) bad ??= `${name}/${key}`;
        out[key] = null;
      }
    }
    return out;
  };
  const user: GraphUser = {
    id,
    givenName: text('givenName'),
    surname: text('surname'),
    displayName: text('displayName'),
    mail: text('mail'),
    userPrincipalName: text('userPrincipalName'),
    accountEnabled: typeof enabled === 'boolean' ? enabled : null,
    userType: text('userType'),
    jobTitle: text('jobTitle'),
    companyName: text('companyName'),
    department: text('department'),
    streetAddress: text('streetAddress'),
    state: text('state'),
    country: text('country'),
    officeLocation: text('officeLocation'),
    city: text('city'),
    postalCode: text('postalCode'),
    employeeType: text('employeeType'),
    employeeOrgData: object('employeeOrgData', EMPLOYEE_ORG_DATA_KEYS),
    onPremisesExtensionAttributes: object('onPremisesExtensionAttributes', EXTENSION_ATTRIBUTES),
  };
  return bad === null ? { user } : { invalid: { id, property: bad } };
}

/** Parses a `/users` page; malformed entries are listed apart, never half-read. */
export function toUsersPage(env: PageEnvelope): UsersPage {
  const users: GraphUser[] = [];
  const invalid: InvalidEntry[] = [];
  for (const raw of env.value) {
    const r = readUser(raw);
    if ('user' in r) users.push(r.user);
    else invalid.push(r.invalid);
  }
  return { users, invalid, nextLink: env.nextLink };
}

/** Parses a delta page: ordinary entries are users, `@removed` entries removals. */
export function toDeltaPage(env: PageEnvelope): DeltaPage {
  const users: GraphUser[] = [];
  const removed: RemovedUser[] = [];
  const invalid: InvalidEntry[] = [];
  for (const raw of env.value) {
    if (isRecord(raw) && raw['@removed'] !== undefined) {
      const r = parseRemoved(raw);
      if (r) removed.push(r);
      else invalid.push({ id: typeof raw.id === 'string' ? raw.id : null, property: '@removed' });
      continue;
    }
    const r = readUser(raw);
    if ('user' in r) users.push(r.user);
    else invalid.push(r.invalid);
  }
  return { users, removed, invalid, nextLink: env.nextLink, deltaLink: env.deltaLink };
}

function parseRemoved(raw: Record<string, unknown>): RemovedUser | null {
  const id = raw.id;
  const marker = raw['@removed'];
  if (typeof id !== 'string' || id.trim() === '' || !isRecord(marker)) return null;
  const reason = marker.reason;
  return reason === 'changed' || reason === 'deleted' ? { id, reason } : null;
}
