import type { MatchField } from '../db/schema.ts';

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

/** The Graph `$select` list: identity, names, mail, state and the nine matchable fields. */
export const ENTRA_USER_SELECT = [
  'id',
  'givenName',
  'surname',
  'displayName',
  'mail',
  'userPrincipalName',
  'accountEnabled',
  'userType',
  'jobTitle',
  'companyName',
  'department',
  'streetAddress',
  'state',
  'country',
  'officeLocation',
  'city',
  'postalCode',
] as const satisfies readonly (keyof EntraUser)[];

/** A short human label for run logs: display name, else UPN, else the object id. */
export function entraLabel(u: EntraUser): string {
  const name = u.displayName?.trim() || [u.givenName, u.surname].filter(Boolean).join(' ').trim();
  const upn = u.userPrincipalName ?? u.mail ?? '';
  if (name && upn) return `${name} <${upn}>`;
  return name || upn || u.id;
}

/** Reads a matchable field as a string (Graph only ever sends strings or null there). */
export function matchFieldValue(u: EntraUser, field: MatchField): string | null {
  const v = u[field];
  return typeof v === 'string' ? v : null;
}
