/**
 * Impact before commit (issue 17), as the panel reads it: the server's answer (POST
 * …/impact) and the sentence that sums it up. Pure.
 */
import type { IntegrationFormState } from './integration-form.ts';
import type { ImpactView, Integration } from '../types.ts';

export type { ImpactView };

/** The settings whose change moves users (the ones the impact endpoint takes). */
export const MAPPING_FIELDS = [
  'unitField',
  'userTypeField',
  'includeGuests',
  'deactivateDisabledUsers',
] as const;

/** The mapping settings the form changes compared with the saved integration (empty: none). */
export function mappingPatch(
  form: IntegrationFormState,
  saved: Integration,
): Partial<Pick<IntegrationFormState, (typeof MAPPING_FIELDS)[number]>> {
  const patch: Record<string, unknown> = {};
  for (const f of MAPPING_FIELDS) if (form[f] !== saved[f]) patch[f] = form[f];
  return patch;
}

function users(n: number): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? 'user' : 'users'}`;
}

/** "This will move 3 users, unassign 140 users and deactivate 0 users." */
export function impactSentence(i: ImpactView): string {
  const parts = [`move ${users(i.moved)}`, `unassign ${users(i.unassigned)}`];
  if (i.placed) parts.push(`place ${users(i.placed)} who have no unit now`);
  parts.push(`deactivate ${users(i.deactivated)}`);
  if (i.reactivated) parts.push(`reactivate ${users(i.reactivated)}`);
  const last = parts.pop();
  return `This will ${parts.join(', ')} and ${last ?? ''}.`;
}

/** True when the change takes something away and deserves a confirmation. */
export function isRisky(i: ImpactView): boolean {
  return i.unassigned > 0 || i.deactivated > 0 || i.duplicateName !== null;
}
