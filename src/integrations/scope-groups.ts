import { z } from 'zod';
import type { ScopeMode } from '../db/schema.ts';

/**
 * Group scope (SPEC §2, issue 14): *all users* or *members of these Entra groups*, nested
 * groups included. Shared by the API (zod), the panel and the sync.
 */

export const SCOPE_MODES = ['all', 'groups'] as const satisfies readonly ScopeMode[];

/** A chosen group; the name is what the picker showed, kept for the form. */
export interface ScopeGroup {
  id: string;
  displayName: string;
}

/** Chosen groups plus nested ones are tracked with one group delta filter (≤ 50 ids). */
export const SCOPE_GROUPS_MAX = 20;

export const scopeModeSchema = z.enum(SCOPE_MODES, {
  error: 'Scope must be all (every user) or groups (members of the chosen groups)',
});

export const scopeGroupsSchema = z
  .array(
    z.strictObject({
      id: z.uuid({ error: 'Group id must be a GUID (the group object id)' }),
      displayName: z.string({ error: 'Group name must be text' }).max(256),
    }),
    { error: 'Scope groups must be a list of {id, displayName}' },
  )
  .max(SCOPE_GROUPS_MAX, `At most ${SCOPE_GROUPS_MAX} scope groups`);

/** Reads stored groups; anything unreadable counts as none. */
export function parseStoredGroups(json: string | null | undefined): ScopeGroup[] {
  if (!json) return [];
  try {
    const r = scopeGroupsSchema.safeParse(JSON.parse(json));
    return r.success ? r.data : [];
  } catch {
    return [];
  }
}

/** The sorted ids: what the stored memberships were read for (`scope_loaded`). */
export function scopeKey(groups: readonly { id: string }[]): string {
  return JSON.stringify(groups.map((g) => g.id.toLowerCase()).sort());
}
