import type { Db } from '../db/schema.ts';
import type { DirectoryHooks } from '../directory/hooks.ts';
import { applyPlans } from './apply.ts';
import { parseStoredEntraUser } from './stored-entra-user.ts';
import { buildLookups, mapEntraUser } from './map.ts';
import { loadPageState } from './page-state.ts';
import { planPage } from './plan.ts';

/**
 * SPEC §4.2: a platform user created with the email of an Entra user the service already
 * knows (and that no platform user is linked to yet) is linked to it at once, and its names
 * and managed membership are overwritten from Entra. Unknown emails are left alone: the next
 * run links them when Entra reports the user.
 */
export async function linkKnownEntraUser(
  db: Db,
  user: { id: string; orgId: string; email: string },
  now: Date,
): Promise<boolean> {
  const known = await db
    .selectFrom('entra_users as e')
    .innerJoin('integrations as i', 'i.id', 'e.integration_id')
    .selectAll('i')
    .select(['e.external_id', 'e.data'])
    .where('i.org_id', '=', user.orgId)
    .where('e.email', '=', user.email.toLowerCase())
    .where('e.removed', '=', 0)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('users as u')
            .select('u.id')
            .whereRef('u.source_integration_id', '=', 'e.integration_id')
            .whereRef('u.source_external_id', '=', 'e.external_id'),
        ),
      ),
    )
    .orderBy('i.created_at')
    .executeTakeFirst();
  if (!known) return false;
  const entra = parseStoredEntraUser(known.data);
  if (!entra) return false;
  const units = await db
    .selectFrom('units')
    .select(['id', 'name'])
    .where('org_id', '=', user.orgId)
    .execute();
  const types = await db
    .selectFrom('user_types')
    .select(['id', 'name'])
    .where('org_id', '=', user.orgId)
    .execute();
  const desired = mapEntraUser(entra, buildLookups(units, types), {
    unitField: known.unit_field,
    userTypeField: known.user_type_field,
    includeGuests: known.include_guests === 1,
    deactivateDisabledUsers: known.deactivate_disabled_users === 1,
  });
  if (desired.exclusion || desired.email !== user.email.toLowerCase()) return false;
  const state = await loadPageState(
    db,
    user.orgId,
    known.id,
    [desired.externalId],
    [user.email.toLowerCase()],
  );
  const plans = planPage([desired], state, known.id);
  if (!plans.some((p) => p.kind === 'change' && p.link)) return false;
  await applyPlans(db, plans, {
    orgId: user.orgId,
    integrationId: known.id,
    runId: null,
    now,
    describe: () => null,
  });
  return true;
}

/** The directory hook that plugs linking-on-create into user creation. */
export function syncDirectoryHooks(clock: { now(): Date }): DirectoryHooks {
  return {
    afterUserCreated: async (db, user) => {
      await linkKnownEntraUser(db, user, clock.now());
    },
  };
}
