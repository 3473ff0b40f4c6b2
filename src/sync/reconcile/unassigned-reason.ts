import type { MatchField } from '../../db/schema.ts';
import { nameKey } from '../../directory/name-key.ts';
import { safeText } from '../entra-user.ts';
import type { ReconcileConfig } from './config.ts';
import type { SyncExplanation } from './explain.ts';

/*
 * Why an active user has no membership with a user type, as one group key per cause, so the
 * Unassigned tab can list "41 users: department 'Marketing' — no unit has this name" with the
 * fix next to it. Pure: decided from the explanation (SPEC §5.15) and the configuration.
 */

export type UnassignedKind =
  | 'no-unit'
  | 'ambiguous-unit'
  | 'several-units'
  | 'unit-empty'
  | 'no-user-type'
  | 'user-type-empty'
  | 'excluded'
  | 'pending'
  | 'not-mirrored'
  | 'platform';

/** One cause, shared by every user it applies to. */
export interface UnassignedReason {
  /** Stable key of the group (kind, integration, field and normalised value). */
  key: string;
  kind: UnassignedKind;
  integrationId: string | null;
  field: MatchField | null;
  /** The Entra value at fault (trimmed), or null. */
  value: string | null;
  /** What the administrator reads. */
  label: string;
  /** The one-click fix, when the panel can make it. */
  action: { type: 'create-unit' | 'create-user-type'; name: string } | null;
}

function q(v: string): string {
  return `“${safeText(v.trim(), 100)}”`;
}

function reason(
  kind: UnassignedKind,
  integrationId: string | null,
  field: MatchField | null,
  value: string | null,
  label: string,
  action: UnassignedReason['action'] = null,
): UnassignedReason {
  const key = [kind, integrationId ?? '', field ?? '', value === null ? '' : nameKey(value)].join(
    '|',
  );
  return { key, kind, integrationId, field, value: value?.trim() ?? null, label, action };
}

/** A user the platform created (no integration links it). */
export const PLATFORM_REASON: UnassignedReason = reason(
  'platform',
  null,
  null,
  null,
  'created in the platform: give them a membership by hand',
);

/** A linked user whose Entra user is not in the mirror (yet). */
export function notMirroredReason(integrationId: string): UnassignedReason {
  return reason(
    'not-mirrored',
    integrationId,
    null,
    null,
    'not read from Entra ID yet: run a synchronisation',
  );
}

/**
 * Pure: the cause of an unassigned synced user. The unit comes first (a user type alone gives
 * no managed membership); when both match, the next reconcile places the user.
 */
export function unassignedReason(e: SyncExplanation, config: ReconcileConfig): UnassignedReason {
  const id = e.integrationId;
  if (e.excluded) return reason('excluded', id, null, null, `not synchronised: ${e.excluded}`);
  const { unit, userTypes } = e;
  const uf = unit.field as MatchField;
  const tf = userTypes.field as MatchField;
  switch (unit.outcome) {
    case 'empty':
      return reason('unit-empty', id, uf, null, `${uf} is empty (fix it in Entra ID)`);
    case 'no-unit': {
      const v = unit.value ?? '';
      return reason('no-unit', id, uf, v, `${uf} ${q(v)} — no unit has this name`, {
        type: 'create-unit',
        name: v.trim(),
      });
    }
    case 'ambiguous': {
      const v = unit.value ?? '';
      const n = config.lookups.unitsByName.get(nameKey(v))?.length ?? 2;
      return reason(
        'ambiguous-unit',
        id,
        uf,
        v,
        `${n} units are named ${q(v)} (${uf}): rename all but one`,
      );
    }
    case 'several-units': {
      const v = unit.value ?? '';
      return reason(
        'several-units',
        id,
        uf,
        v,
        `${uf} ${q(v)} names several units (fix it in Entra ID)`,
      );
    }
    case 'matched':
      break;
  }
  if (userTypes.matched.length === 0) {
    const first = userTypes.unmatched[0];
    if (first === undefined) {
      return reason('user-type-empty', id, tf, null, `${tf} is empty (fix it in Entra ID)`);
    }
    return reason('no-user-type', id, tf, first, `${tf} ${q(first)} — no user type has this name`, {
      type: 'create-user-type',
      name: first.trim(),
    });
  }
  return reason(
    'pending',
    id,
    null,
    null,
    'unit and user type match: placed by the next synchronisation',
  );
}
