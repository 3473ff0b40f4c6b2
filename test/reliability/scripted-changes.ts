import type { EmulatedTenant } from '../../src/emulator/index.ts';
import { DEPARTMENTS, JOB_TITLES } from '../../src/emulator/index.ts';
import { mulberry32 as prng } from '../../src/emulator/prng.ts';

function pick<T>(list: readonly T[], r: () => number): T {
  return list[Math.floor(r() * list.length)] as T;
}

/** What one round of scripted changes did, for assertions. */
export interface RoundChanges {
  updated: number;
  disabled: number;
  enabled: number;
  softDeleted: number;
  restored: number;
  hardDeleted: number;
  added: number;
}

/**
 * Applies round `round`'s deterministic changes to `tenant`: updates (names, unit, types),
 * disables, re-enables, soft deletes, restores, hard deletes and new users with fixed ids.
 * Two tenants generated with the same seed end identical after the same rounds.
 */
export function applyScriptedRound(tenant: EmulatedTenant, round: number, size = 40): RoundChanges {
  const r = prng(1000 + round);
  const live = [...tenant.users()].map((u) => u.id).sort();
  const out: RoundChanges = {
    updated: 0,
    disabled: 0,
    enabled: 0,
    softDeleted: 0,
    restored: 0,
    hardDeleted: 0,
    added: 0,
  };
  const touched = new Set<string>();
  const take = (): string | undefined => {
    for (let i = 0; i < 20; i++) {
      const id = pick(live, r);
      if (!touched.has(id)) {
        touched.add(id);
        return id;
      }
    }
    return undefined;
  };
  for (let i = 0; i < size; i++) {
    const id = take();
    if (!id) continue;
    tenant.updateUser(id, {
      department: pick(DEPARTMENTS, r),
      jobTitle: r() < 0.2 ? `${pick(JOB_TITLES, r)}, ${pick(JOB_TITLES, r)}` : pick(JOB_TITLES, r),
      ...(r() < 0.3 ? { surname: `Changed${round}x${i}` } : {}),
    });
    out.updated++;
  }
  for (let i = 0; i < size / 8; i++) {
    const id = take();
    if (!id) continue;
    if (tenant.getUser(id)?.accountEnabled === false) {
      tenant.enableUser(id);
      out.enabled++;
    } else {
      tenant.disableUser(id);
      out.disabled++;
    }
  }
  const softDeleted: string[] = [];
  for (let i = 0; i < size / 8; i++) {
    const id = take();
    if (!id) continue;
    tenant.softDeleteUser(id);
    softDeleted.push(id);
    out.softDeleted++;
  }
  // Restore half of what the previous round soft-deleted (their ids are reproducible).
  if (round > 1) {
    const prev = prng(5000 + round);
    for (const id of previousSoftDeleted.get(tenant) ?? []) {
      if (prev() < 0.5) {
        tenant.restoreUser(id);
        out.restored++;
      }
    }
  }
  previousSoftDeleted.set(tenant, softDeleted);
  for (let i = 0; i < size / 20; i++) {
    const id = take();
    if (!id) continue;
    tenant.hardDeleteUser(id);
    out.hardDeleted++;
  }
  for (let i = 0; i < size / 4; i++) {
    const n = round * 1000 + i;
    tenant.addUser({
      id: `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`,
      givenName: `New${n}`,
      surname: pick(['Smith', 'Øster', 'Lee'], r),
      mail: `new${n}@contoso.test`,
      department: pick(DEPARTMENTS, r),
      jobTitle: pick(JOB_TITLES, r),
    });
    out.added++;
  }
  return out;
}

const previousSoftDeleted = new WeakMap<EmulatedTenant, string[]>();
