import type { RequestLogEntry } from './types.ts';

/**
 * A bounded log of requests. Kept as a plain array (so tests can filter it) trimmed in
 * batches: amortised O(1) per request instead of shifting on every push.
 */
export class RequestLog {
  readonly entries: RequestLogEntry[] = [];

  constructor(private readonly capacity: number) {}

  /** Appends an entry, dropping the oldest once the log holds twice its capacity. */
  push(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity * 2) {
      this.entries.splice(0, this.entries.length - this.capacity);
    }
  }
}
