import type { ManagedMembership } from '../plan.ts';

/** Turns a managed membership into "Unit: Type, Type" for the change log. */
export function describer(names: ReadonlyMap<string, string>) {
  return (m: ManagedMembership | null): string | null =>
    m
      ? `${names.get(m.unitId) ?? m.unitId}: ${m.userTypeIds.map((t) => names.get(t) ?? t).join(', ')}`
      : null;
}
