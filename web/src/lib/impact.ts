/**
 * Impact before commit (issue 17), as the panel reads it: the server's answer (POST
 * …/impact) and the sentence that sums it up. Pure.
 */
import { formatCount } from './format.ts';
import type { IntegrationFormState } from './integration-form.ts';
import type { ImpactView, Integration } from '../types.ts';

export type { ImpactView };

/** The settings whose change moves users (the ones the impact endpoint takes). */
export const MAPPING_FIELDS = [
  'unitField',
  'userTypeField',
  'includeGuests',
  'deactivateDisabledUsers',
  'exclusionRules',
  'scopeMode',
  'scopeGroups',
] as const;

/** The body of POST /integrations/:id/impact. */
export type MappingPatch = Partial<
  Pick<IntegrationFormState, (typeof MAPPING_FIELDS)[number]> & {
    deletionThreshold: number;
    unassignmentThreshold: number | null;
  }
>;

/**
 * The mapping settings the form changes compared with the saved integration (empty: none),
 * with the thresholds being saved alongside when they change too: whether the next run would
 * be held depends on the thresholds the save puts in force, not the stored ones.
 */
export function mappingPatch(form: IntegrationFormState, saved: Integration): MappingPatch {
  const patch: Record<string, unknown> = {};
  const differs = (a: unknown, b: unknown): boolean => JSON.stringify(a) !== JSON.stringify(b);
  for (const f of MAPPING_FIELDS) {
    const before = f === 'scopeMode' ? (saved.scopeMode ?? 'all') : saved[f];
    const after = f === 'exclusionRules' ? trimmedRules(form.exclusionRules) : form[f];
    if (differs(after, f === 'exclusionRules' || f === 'scopeGroups' ? (before ?? []) : before)) {
      patch[f] = after;
    }
  }
  if (Object.keys(patch).length === 0) return patch;
  const deletion = wholeOrNull(form.deletionThreshold);
  if (deletion !== null && deletion !== saved.deletionThreshold) patch.deletionThreshold = deletion;
  const unassignment = form.unassignmentThreshold.trim()
    ? wholeOrNull(form.unassignmentThreshold)
    : null;
  if (unassignment !== (saved.unassignmentThreshold ?? null)) {
    patch.unassignmentThreshold = unassignment;
  }
  return patch;
}

function trimmedRules(rules: IntegrationFormState['exclusionRules']): unknown[] {
  return rules.map((r) => ({ ...r, value: r.value.trim() }));
}

function wholeOrNull(text: string): number | null {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

function users(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'user' : 'users'}`;
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

/**
 * True when the change does anything to anyone (or its effect is not fully known yet): worth
 * showing before it is made, even when it only places or moves users.
 */
export function hasEffect(i: ImpactView): boolean {
  return (
    isRisky(i) ||
    i.moved > 0 ||
    i.placed > 0 ||
    i.reactivated > 0 ||
    i.created > 0 ||
    i.wouldHold ||
    i.scopePending
  );
}

/** True when the change takes something away and deserves a confirmation. */
export function isRisky(i: ImpactView): boolean {
  return i.unassigned > 0 || i.deactivated > 0 || i.duplicateName !== null;
}
