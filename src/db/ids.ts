import { v7 } from 'uuid';

/**
 * New primary keys are UUIDv7: unique like any UUID, but ordered by creation time, so a sync
 * inserting 100,000 users appends to the end of each id index instead of touching pages all
 * over it (random v4 ids made commits several times slower on large directories).
 */
export function newId(): string {
  return v7();
}
