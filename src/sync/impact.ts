import type { Kysely } from 'kysely';
import { listIntegrationRowsOfOrg } from '../integrations/repository.ts';
import type { Database, Db } from '../db/schema.ts';
import type { ChangeRow } from './apply.ts';
import type { MappingSettings } from './map.ts';
import { scopeKey } from '../integrations/scope-groups.ts';
import { countLinkedUsers } from './mirror/mirror-repo.ts';
import { buildConfig, configChange, settingsOf } from './reconcile/config.ts';
import { reconcile } from './reconcile/reconcile.ts';
import type { RunSink } from './reconcile/run-sink.ts';
import { effectiveUnassignmentThreshold } from './reconcile/unassign-guard.ts';

/**
 * Impact before commit (issue 17): what a change to units, user types or an integration's
 * mapping settings would do, computed by the reconcile itself (the same mechanism as the
 * preview) inside a transaction that is rolled back. Nothing is written.
 */

/** How many users a change would touch, and who would lose their managed membership. */
export interface Impact {
  /** Membership changed to another unit or other user types. */
  moved: number;
  /** Managed membership removed (the user may still hold a manual one). */
  unassigned: number;
  /** Managed membership given to a user who had none. */
  placed: number;
  deactivated: number;
  reactivated: number;
  created: number;
  /** Up to 50 users who would lose their managed membership, with why. */
  unassignedUsers: { subject: string; userId: string | null; reason: string | null }[];
  /** True when the next run would be held by the deletion or unassignment guard. */
  wouldHold: boolean;
  /**
   * True when the change chooses scope groups whose members the service has not read yet:
   * who is in them is known only after the next run reads them from Microsoft Graph, so the
   * counts leave the scope out (the preview after saving shows it).
   */
  scopePending: boolean;
}

const EXAMPLES = 50;

/** An empty impact. */
export function noImpact(): Impact {
  return {
    moved: 0,
    unassigned: 0,
    placed: 0,
    deactivated: 0,
    reactivated: 0,
    created: 0,
    unassignedUsers: [],
    wouldHold: false,
    scopePending: false,
  };
}

/**
 * Pure: adds change-log rows to an impact (also used to read a real run's log the same way).
 * `held` rows count as what they hold.
 */
export function addToImpact(impact: Impact, rows: readonly ChangeRow[]): void {
  for (const r of rows) {
    const d = r.details;
    if (r.action === 'deactivate' || (r.action === 'held' && d.held === 'deactivation')) {
      impact.deactivated++;
      continue;
    }
    if (r.action === 'create') {
      impact.created++;
      if (d.after?.membership) impact.placed++;
      continue;
    }
    if (r.action === 'reactivate' || d.reactivated) impact.reactivated++;
    const m = d.changes?.find((c) => c.field === 'membership');
    if (!m) continue;
    if (m.before !== null && m.after === null) {
      impact.unassigned++;
      if (impact.unassignedUsers.length < EXAMPLES) {
        impact.unassignedUsers.push({
          subject: r.subject,
          userId: r.userId,
          reason: d.notes?.join('; ') || d.warnings?.join('; ') || d.reason || null,
        });
      }
    } else if (m.before === null && m.after !== null) impact.placed++;
    else if (m.before !== m.after) impact.moved++;
  }
}

/**
 * Proposed settings of one integration: the mapping, and the thresholds being saved with it
 * (the guard that decides `wouldHold` is the one the change would put in force).
 */
export interface ProposedSettings extends Partial<Omit<MappingSettings, 'groupScope'>> {
  deletionThreshold?: number;
  /** null = the default (100 users or 10%). */
  unassignmentThreshold?: number | null;
  /** `groups` with `scopeGroups`, or `all`. */
  scope?: { mode: 'all' } | { mode: 'groups'; groupIds: readonly string[] };
}

/**
 * Pure: the group scope a proposed scope puts in force at once. Back to all users: at once.
 * Groups whose members are loaded (`scopeLoaded` is their key): at once. Other groups: their
 * members are read by the next run, and until then the previous scope stays (as after a real
 * save), so the counts cannot include it: `pending`.
 */
export function proposedGroupScope(
  current: boolean,
  scopeLoaded: string | null,
  scope: ProposedSettings['scope'],
): { groupScope: boolean; pending: boolean } {
  if (!scope) return { groupScope: current, pending: false };
  if (scope.mode === 'all') return { groupScope: false, pending: false };
  if (scopeLoaded !== null && scopeKey(scope.groupIds.map((id) => ({ id }))) === scopeLoaded) {
    return { groupScope: true, pending: false };
  }
  return { groupScope: current, pending: true };
}

/** Pure: would a run with these counts be held by the thresholds in force? */
export function wouldBeHeld(
  counts: Pick<Impact, 'deactivated' | 'unassigned'>,
  thresholds: { deletion: number; unassignment: number },
): boolean {
  return (
    (thresholds.deletion > 0 && counts.deactivated > thresholds.deletion) ||
    (thresholds.unassignment > 0 && counts.unassigned > thresholds.unassignment)
  );
}

class ImpactDone extends Error {
  constructor(readonly impact: Impact) {
    super('impact rolled back');
  }
}

/**
 * Applies `change` to the directory in a transaction, reconciles every integration of the
 * organisation (every mirror row, guards off, so the whole effect shows) with the resulting
 * configuration, `settings` overriding an integration's mapping settings, then rolls back.
 */
export async function computeImpact(
  db: Kysely<Database>,
  orgId: string,
  opts: {
    now: Date;
    retentionDays: number;
    change?: (trx: Db) => Promise<void>;
    /** Proposed settings of one integration. */
    settings?: { integrationId: string; patch: ProposedSettings };
  },
): Promise<Impact> {
  try {
    await db.transaction().execute(async (trx) => {
      if (opts.change) await opts.change(trx);
      const impact = noImpact();
      const integrations = await listIntegrationRowsOfOrg(trx, orgId);
      const units = await trx
        .selectFrom('units')
        .select(['id', 'name'])
        .where('org_id', '=', orgId)
        .execute();
      const types = await trx
        .selectFrom('user_types')
        .select(['id', 'name'])
        .where('org_id', '=', orgId)
        .execute();
      for (const integration of integrations) {
        const proposed: ProposedSettings =
          opts.settings?.integrationId === integration.id ? opts.settings.patch : {};
        const { deletionThreshold, unassignmentThreshold, scope, ...mapping } = proposed;
        const current = settingsOf(integration);
        const groups = proposedGroupScope(current.groupScope, integration.scope_loaded, scope);
        const config = buildConfig(
          { ...current, ...mapping, groupScope: groups.groupScope },
          units,
          types,
          integration.scope_loaded,
        );
        const linked = await countLinkedUsers(trx, integration.id);
        const mine = noImpact();
        const sink: RunSink = {
          record: async (_db, rows) => addToImpact(mine, rows),
        };
        await reconcile(
          trx,
          {
            orgId,
            integrationId: integration.id,
            config,
            // Only the rows the hypothetical change can move (plus those with work pending).
            change: configChange(integration.reconciled_config, config),
            now: opts.now,
            retentionDays: opts.retentionDays,
            deletionThreshold: 0,
            unassignmentThreshold: 0,
          },
          sink,
        );
        mine.scopePending = groups.pending;
        mine.wouldHold = wouldBeHeld(mine, {
          deletion: deletionThreshold ?? integration.deletion_threshold,
          unassignment: effectiveUnassignmentThreshold(
            unassignmentThreshold === undefined
              ? integration.unassignment_threshold
              : unassignmentThreshold,
            linked,
          ),
        });
        merge(impact, mine);
      }
      throw new ImpactDone(impact);
    });
  } catch (err) {
    if (err instanceof ImpactDone) return err.impact;
    throw err;
  }
  return noImpact();
}

function merge(into: Impact, from: Impact): void {
  into.moved += from.moved;
  into.unassigned += from.unassigned;
  into.placed += from.placed;
  into.deactivated += from.deactivated;
  into.reactivated += from.reactivated;
  into.created += from.created;
  into.unassignedUsers.push(
    ...from.unassignedUsers.slice(0, EXAMPLES - into.unassignedUsers.length),
  );
  into.wouldHold ||= from.wouldHold;
  into.scopePending ||= from.scopePending;
}
