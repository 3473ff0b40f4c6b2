import { mulberry32, shuffleInPlace } from './prng.ts';
import { project } from './odata-query.ts';
import type { DeltaOddities, EmulatedUser } from './types.ts';
import { HARD_DELETED, LIVE, SOFT_DELETED, type UserStore } from './user-store.ts';

/**
 * Where a delta round stands; sealed into every nextLink/deltaLink.
 * - `k: 'full'`: first round, walking record positions `p` up to `end` (records that
 *   existed when the round began; later ones have seq > `to` and come next round).
 * - `k: 'since'`: walking the change log from seq `p` (exclusive) up to `to` (inclusive).
 * `to` is the store seq when the round began: the next round starts there, so a user
 * changed while this round is paged is delivered now or then, never lost.
 */
export interface DeltaCursor {
  /** Tenant id: a link only works with a token of the same tenant. */
  t: string;
  /** Tenant delta generation when issued (expireDeltaTokens bumps it). */
  g: number;
  /** Issued at, emulator ms; older than 7 days → 410. */
  i: number;
  /** Selected properties. */
  s: string[];
  k: 'full' | 'since';
  p: number;
  /** Upper seq of the round; -1 on a deltaLink (fixed when the next round begins). */
  to: number;
  /** Full rounds: record count when the round began. */
  end: number;
}

/** One entry of a delta page. */
export type DeltaEntry = Record<string, unknown>;

/** The result of one page: its entries and the cursor after it (null = round done). */
export interface DeltaPage {
  entries: DeltaEntry[];
  next: DeltaCursor | null;
}

// Bounds the work per request when most log entries are superseded: the page then comes
// back short (or empty) with a nextLink, as Graph's pages sometimes do.
const SCAN_FACTOR = 20;

function entryFor(store: UserStore, index: number, select: readonly string[]): DeltaEntry | null {
  const state = store.stateAt(index);
  if (state === LIVE) return project(store.at(index) as EmulatedUser, select);
  const id = (store.at(index) as EmulatedUser).id;
  if (state === SOFT_DELETED) return { id, '@removed': { reason: 'changed' } };
  if (state === HARD_DELETED) return { id, '@removed': { reason: 'deleted' } };
  return null;
}

/** Computes the page at `cursor` (whose `to` is fixed), at most `pageSize` entries. */
export function deltaPage(
  store: UserStore,
  cursor: DeltaCursor,
  pageSize: number,
  oddities: DeltaOddities,
): DeltaPage {
  const entries: DeltaEntry[] = [];
  const scanLimit = pageSize * SCAN_FACTOR;
  let scanned = 0;
  let p = cursor.p;
  if (cursor.k === 'full') {
    for (; p < cursor.end && entries.length < pageSize && scanned < scanLimit; p++, scanned++) {
      // Hard-deleted users are gone for good; a first round does not mention them.
      if (store.stateAt(p) === HARD_DELETED) continue;
      const entry = entryFor(store, p, cursor.s);
      if (entry) entries.push(entry);
    }
  } else {
    for (; p < cursor.to && entries.length < pageSize && scanned < scanLimit; scanned++) {
      p += 1;
      const index = store.changedAt(p);
      // Only the record's latest change counts; changes after `to` belong to the next round.
      if (store.lastSeqAt(index) !== p) continue;
      const entry = entryFor(store, index, cursor.s);
      if (entry) entries.push(entry);
    }
  }
  applyOddities(entries, oddities, cursor, p);
  const done = cursor.k === 'full' ? p >= cursor.end : p >= cursor.to;
  return { entries, next: done ? null : { ...cursor, p } };
}

/** Duplicates and shuffles entries, seeded by the page position so reruns are identical. */
function applyOddities(
  entries: DeltaEntry[],
  oddities: DeltaOddities,
  cursor: DeltaCursor,
  position: number,
): void {
  const duplicates = oddities.duplicates ?? 0;
  if (duplicates <= 0 && !oddities.shuffle) return;
  const random = mulberry32(
    (position * 2654435761 + cursor.to + (cursor.k === 'full' ? 1 : 2)) >>> 0,
  );
  if (duplicates > 0) {
    const count = entries.length;
    for (let i = 0; i < count; i++) {
      if (random() < duplicates) entries.push(entries[i] as DeltaEntry);
    }
  }
  if (oddities.shuffle) shuffleInPlace(random, entries);
}
