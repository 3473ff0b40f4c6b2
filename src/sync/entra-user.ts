import type { MatchField } from '../db/schema.ts';
import { USER_PROPERTIES } from '../graph/types.ts';

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
}

/** The properties the sync reads (SPEC §3): the Graph client's `$select` list. */
export const ENTRA_USER_SELECT: readonly (keyof EntraUser)[] = USER_PROPERTIES;

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
  return name || upn || safeText(u.id, 200);
}

/** Graph caps these at 256 characters; the label does the same for hostile data. */
function text(v: string | null | undefined): string {
  return typeof v === 'string' ? safeText(v, 256).trim() : '';
}

/** Reads a matchable field as a string (Graph only ever sends strings or null there). */
export function matchFieldValue(u: EntraUser, field: MatchField): string | null {
  const v = u[field];
  return typeof v === 'string' ? v : null;
}
