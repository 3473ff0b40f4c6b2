import { fullExtensions } from './extension-attributes.ts';
import type { EmulatedUser, UserProperty } from './types.ts';

/** A query option the request got wrong; answered with a Graph 400. */
export class QueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// prettier-ignore
const MODELLED: ReadonlySet<string> = new Set<UserProperty>([
  'id', 'givenName', 'surname', 'displayName', 'mail', 'userPrincipalName', 'accountEnabled',
  'userType', 'jobTitle', 'companyName', 'department', 'streetAddress', 'state', 'country',
  'officeLocation', 'city', 'postalCode', 'employeeType', 'employeeOrgData',
  'onPremisesExtensionAttributes',
]);

/** Real user properties the emulator does not model: selectable, always empty. */
const UNMODELLED: Readonly<Record<string, unknown>> = {
  businessPhones: [],
  mobilePhone: null,
  preferredLanguage: null,
  employeeId: null,
  onPremisesImmutableId: null,
};

/** Graph's default property set for users when no $select is given. */
// prettier-ignore
export const DEFAULT_SELECT: readonly string[] = [
  'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone',
  'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id',
];

/** Parses `$select` (comma list, case-insensitive names) into Graph spellings, id included. */
export function parseSelect(raw: string | null): readonly string[] {
  if (raw === null || raw.trim() === '') return DEFAULT_SELECT;
  const names: string[] = [];
  for (const part of raw.split(',')) {
    const wanted = part.trim();
    if (wanted === '') continue;
    const name = canonicalName(wanted);
    if (name === undefined) {
      throw new QueryError(
        'BadRequest',
        `Could not find a property named '${wanted}' on type 'microsoft.graph.user'.`,
      );
    }
    if (!names.includes(name)) names.push(name);
  }
  if (!names.includes('id')) names.unshift('id');
  return names;
}

function canonicalName(name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const known of MODELLED) if (known.toLowerCase() === lower) return known;
  for (const known of Object.keys(UNMODELLED)) if (known.toLowerCase() === lower) return known;
  return undefined;
}

/** The selected properties of a user, in select order; unset values are null. */
export function project(user: EmulatedUser, select: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const corrupt = corrupted.get(user);
  for (const name of select) {
    out[name] = MODELLED.has(name) ? served(user, name as UserProperty) : UNMODELLED[name];
    // A malformed entry, as hostile or broken data would look: a number where Graph sends text.
    if (name === corrupt) out[name] = 42;
  }
  return out;
}

/**
 * A property as Graph serialises it: onPremisesExtensionAttributes is always an object of
 * all 15 attributes (null when unset); employeeOrgData is null until set, then both keys.
 */
function served(user: EmulatedUser, name: UserProperty): unknown {
  if (name === 'onPremisesExtensionAttributes') {
    return fullExtensions(user.onPremisesExtensionAttributes);
  }
  if (name === 'employeeOrgData') {
    const org = user.employeeOrgData;
    return org ? { division: org.division ?? null, costCenter: org.costCenter ?? null } : null;
  }
  return user[name] ?? null;
}

/**
 * User records served with one property of the wrong type (tests of malformed Graph data).
 * Keyed by the record itself: the next update replaces the record and so repairs it.
 */
export const corrupted = new WeakMap<EmulatedUser, string>();

/** Parses `$top`: 1–999, default 100, as Graph enforces for users. */
export function parseTop(raw: string | null): number {
  if (raw === null) return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 999) {
    throw new QueryError(
      'Request_BadRequest',
      `Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`,
    );
  }
  return n;
}

/** A parsed `$filter`: keeps the users it matches. */
export type UserFilter = (user: EmulatedUser) => boolean;

// Nested objects are filtered by sub-property in Graph (advanced queries), not modelled here.
const NOT_FILTERABLE = new Set([
  'streetAddress',
  'employeeOrgData',
  'onPremisesExtensionAttributes',
]);
const FILTERABLE = new Set([...MODELLED].filter((p) => !NOT_FILTERABLE.has(p)));
const EQ = /^([A-Za-z]+)\s+eq\s+(?:'((?:[^']|'')*)'|(true|false|null))$/i;
const STARTSWITH = /^startswith\(\s*([A-Za-z]+)\s*,\s*'((?:[^']|'')*)'\s*\)$/i;

/**
 * Parses the simple `$filter`s Graph accepts on users without advanced query parameters:
 * `prop eq 'text'`, `prop eq true|false|null`, `startswith(prop,'text')`, joined with `and`.
 * Anything else is refused rather than guessed, like the real service does.
 */
export function parseFilter(raw: string | null): UserFilter | null {
  if (raw === null || raw.trim() === '') return null;
  const clauses = raw
    .trim()
    .split(/\s+and\s+/i)
    .map(parseClause);
  return (user) => clauses.every((clause) => clause(user));
}

function parseClause(text: string): UserFilter {
  const unsupported = new QueryError('Request_UnsupportedQuery', 'Unsupported Query.');
  const eq = EQ.exec(text.trim());
  if (eq) {
    const property = filterProperty(eq[1] as string);
    const literal = eq[2];
    const keyword = eq[3]?.toLowerCase();
    if (literal !== undefined) {
      const wanted = literal.replace(/''/g, "'").toLowerCase();
      return (u) => {
        const value = u[property];
        return typeof value === 'string' && value.toLowerCase() === wanted;
      };
    }
    const wanted = keyword === 'null' ? null : keyword === 'true';
    return (u) => u[property] === wanted;
  }
  const sw = STARTSWITH.exec(text.trim());
  if (sw) {
    const property = filterProperty(sw[1] as string);
    const prefix = (sw[2] as string).replace(/''/g, "'").toLowerCase();
    return (u) => {
      const value = u[property];
      return typeof value === 'string' && value.toLowerCase().startsWith(prefix);
    };
  }
  throw unsupported;
}

function filterProperty(name: string): UserProperty {
  const canonical = canonicalName(name);
  if (canonical === undefined) {
    throw new QueryError(
      'Request_BadRequest',
      `Could not find a property named '${name}' on type 'microsoft.graph.user'.`,
    );
  }
  if (!FILTERABLE.has(canonical)) {
    throw new QueryError('Request_UnsupportedQuery', 'Unsupported Query.');
  }
  return canonical as UserProperty;
}
