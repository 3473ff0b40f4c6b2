/** What `/healthz` reports about the jobs of a process. */
export interface JobsHealth {
  /** `embedded`: in-process runner (SQLite); `queue`: pg-boss on PostgreSQL. */
  mode: 'embedded' | 'queue';
  /** False when the job queue cannot be reached (its tables in PostgreSQL). */
  queueReachable: boolean;
  /** Runs waiting for a worker, when known. */
  queuedRuns: number | null;
}
