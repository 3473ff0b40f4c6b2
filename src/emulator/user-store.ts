import type { EmulatedUser } from './types.ts';

/** Lifecycle of a stored user. */
export const LIVE = 0;
export const SOFT_DELETED = 1;
export const HARD_DELETED = 2;
export type UserState = typeof LIVE | typeof SOFT_DELETED | typeof HARD_DELETED;

function grow<T extends Uint8Array | Uint32Array>(
  array: T,
  needed: number,
  make: (n: number) => T,
): T {
  if (needed <= array.length) return array;
  const next = make(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}

/**
 * The users of one tenant plus the change sequence that makes delta cheap at a million
 * users. Every mutation bumps a tenant-wide counter `seq`; `changeLog[seq - 1]` holds the
 * record index changed at that seq and `lastSeq[index]` the latest seq of that record. A
 * delta round "since N" walks `changeLog` from N and keeps an entry only when it is the
 * record's latest change, so nothing is scanned twice and nothing is sorted.
 *
 * Records are never removed (ids are never reused): a hard-deleted user stays as a
 * tombstone so that `/users` skiptokens (record positions) remain valid.
 */
export class UserStore {
  private readonly records: EmulatedUser[] = [];
  private states = new Uint8Array(1024);
  private lastSeqs = new Uint32Array(1024);
  private changeLog = new Uint32Array(1024);
  /**
   * id → record index, built on first lookup: bulk generation and paging never need it,
   * and hashing a million ids up front would double the time `generate` takes.
   */
  private byId: Map<string, number> | null = null;
  private seqValue = 0;
  private liveCount = 0;

  /** Number of records ever stored (live, soft- and hard-deleted). */
  get size(): number {
    return this.records.length;
  }

  /** The latest change sequence number (0 before any change). */
  get seq(): number {
    return this.seqValue;
  }

  /** Users that are neither soft- nor hard-deleted. */
  get live(): number {
    return this.liveCount;
  }

  /** Record index of an id, or undefined. */
  indexOf(id: string): number | undefined {
    return this.index().get(id.toLowerCase());
  }

  private index(): Map<string, number> {
    if (this.byId === null) {
      const map = new Map<string, number>();
      this.records.forEach((user, i) => map.set(user.id.toLowerCase(), i));
      this.byId = map;
    }
    return this.byId;
  }

  /** The stored user object at a record index (internal: callers must not mutate it). */
  at(index: number): EmulatedUser | undefined {
    return this.records[index];
  }

  /** State of the record at `index`. */
  stateAt(index: number): UserState {
    return (this.states[index] ?? HARD_DELETED) as UserState;
  }

  /** The latest change seq of the record at `index`. */
  lastSeqAt(index: number): number {
    return this.lastSeqs[index] ?? 0;
  }

  /** The record index changed at `seq` (1-based). */
  changedAt(seq: number): number {
    return this.changeLog[seq - 1] ?? 0;
  }

  /**
   * Stores a new live user and records the change. Throws when the id was ever used
   * (unless `trusted`).
   */
  insert(user: EmulatedUser, trusted = false): number {
    // `trusted`: the generator's ids are unique by construction, so skip building the index.
    const key = user.id.toLowerCase();
    if (!trusted && this.index().has(key)) throw new Error(`user ${user.id} already exists`);
    const index = this.records.length;
    this.records.push(user);
    this.byId?.set(key, index);
    this.states = grow(this.states, index + 1, (n) => new Uint8Array(n));
    this.lastSeqs = grow(this.lastSeqs, index + 1, (n) => new Uint32Array(n));
    this.states[index] = LIVE;
    this.liveCount += 1;
    this.touch(index);
    return index;
  }

  /** Replaces the user object at `index` and records the change. */
  replace(index: number, user: EmulatedUser): void {
    this.records[index] = user;
    this.touch(index);
  }

  /** Moves the record to a new state and records the change. */
  setState(index: number, state: UserState): void {
    const before = this.stateAt(index);
    if (before === LIVE && state !== LIVE) this.liveCount -= 1;
    if (before !== LIVE && state === LIVE) this.liveCount += 1;
    this.states[index] = state;
    this.touch(index);
  }

  private touch(index: number): void {
    this.seqValue += 1;
    this.changeLog = grow(this.changeLog, this.seqValue, (n) => new Uint32Array(n));
    this.changeLog[this.seqValue - 1] = index;
    this.lastSeqs[index] = this.seqValue;
  }
}
