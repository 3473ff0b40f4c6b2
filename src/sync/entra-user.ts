import type { MatchField } from '../db/schema.ts';
import {
  EMPLOYEE_ORG_DATA_KEYS,
  EXTENSION_ATTRIBUTES,
  USER_PROPERTIES,
  type EmployeeOrgData,
  type ExtensionAttributes,
} from '../graph/types.ts';

/**
 * The Entra user properties the sync reads (SPEC §3). Structural on purpose: the Graph
 * client's parsed user and the snapshot stored in `entra_users.data` both fit. A property
 * Graph left out is `undefined`; one it cleared is `null`.
 */
export interface EntraUser {
  id: string;
  givenName?: string | null;
  surname?: string | null;
  displayName?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  accountEnabled?: boolean | null;
  userType?: string | null;
  jobTitle?: string | null;
  companyName?: string | null;
  department?: string | null;
  streetAddress?: string | null;
  state?: string | null;
  country?: string | null;
  officeLocation?: string | null;
  city?: string | null;
  postalCode?: string | null;
  employeeType?: string | null;
  employeeOrgData?: Partial<EmployeeOrgData> | null;
  onPremisesExtensionAttributes?: Partial<ExtensionAttributes> | null;
}

/** The properties the sync reads (SPEC §3): the Graph client's `$select` list. */
export const ENTRA_USER_SELECT: readonly (keyof EntraUser)[] = USER_PROPERTIES;

/**
 * A nested Graph object (employeeOrgData, onPremisesExtensionAttributes) in a fixed key order
 * with every key present, so the same values always serialise to the same text. An object
 * whose values are all empty reads as null: Graph sends onPremisesExtensionAttributes as 15
 * nulls on every user, and "never set" must not differ from "all cleared".
 */
export function canonicalNested<K extends string>(
  keys: readonly K[],
  value: Partial<Record<K, string | null>> | null | undefined,
): Record<K, string | null> | null {
  if (value === null || value === undefined) return null;
  const out = {} as Record<K, string | null>;
  let any = false;
  for (const key of keys) {
    const v = value[key];
    out[key] = typeof v === 'string' ? v : null;
    if (typeof v === 'string') any = true;
  }
  return any ? out : null;
}

/** The selected properties in `$select` order, nested objects canonical, absent ones null. */
export function canonicalEntraUser(u: EntraUser): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ENTRA_USER_SELECT) {
    if (key === 'employeeOrgData') out[key] = canonicalNested(EMPLOYEE_ORG_DATA_KEYS, u[key]);
    else if (key === 'onPremisesExtensionAttributes') {
      out[key] = canonicalNested(EXTENSION_ATTRIBUTES, u[key]);
    } else out[key] = u[key] ?? null;
  }
  return out;
}

/**
 * Makes outside text safe to store and show: lone UTF-16 surrogates become U+FFFD (the
 * databases would store U+FFFD anyway, so a value that keeps them never compares equal to
 * what was stored and would be "updated" on every run) and control characters become spaces
 * (PostgreSQL refuses NUL in text and would fail the whole page). Capped at `max` code
 * points, never cutting a surrogate pair in half.
 */
export function safeText(s: string, max: number): string {
  const clean = s.replace(/\p{Cs}/gu, '\uFFFD').replace(/\p{Cc}/gu, ' ');
  const points = Array.from(clean);
  return points.length <= max ? clean : `${points.slice(0, max).join('')}…`;
}

/** A short human label for run logs: display name, else UPN, else the object id. */
export function entraLabel(u: EntraUser): string {
  const name =
    text(u.displayName) || [text(u.givenName), text(u.surname)].filter(Boolean).join(' ');
  const upn = text(u.userPrincipalName) || text(u.mail);
  // The whole label stays short: it is a heading in run logs, not a record of the values.
  if (name && upn) return safeText(`${name} <${upn}>`, 300);
  // A given name and surname of 256 characters each are 513 without a UPN: clipped alike.
  return safeText(name || upn, 300) || safeText(u.id, 200);
}

/** Graph caps these at 256 characters; the label does the same for hostile data. */
function text(v: string | null | undefined): string {
  return typeof v === 'string' ? safeText(v, 256).trim() : '';
}

/**
 * Reads a matchable field as a string (Graph only ever sends strings or null there). A field
 * with a `/` is a path into a nested object: `employeeOrgData/division`,
 * `onPremisesExtensionAttributes/extensionAttribute3`.
 */
export function matchFieldValue(u: EntraUser, field: MatchField): string | null {
  const slash = field.indexOf('/');
  if (slash < 0) {
    const v = u[field as keyof EntraUser];
    return typeof v === 'string' ? v : null;
  }
  const parent = field.slice(0, slash);
  const child = field.slice(slash + 1);
  const nested: Readonly<Record<string, unknown>> | null | undefined =
    parent === 'employeeOrgData'
      ? u.employeeOrgData
      : parent === 'onPremisesExtensionAttributes'
        ? u.onPremisesExtensionAttributes
        : null;
  const v = nested?.[child];
  return typeof v === 'string' ? v : null;
}
