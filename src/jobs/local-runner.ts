import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Logger } from '../log.ts';
import type { RunDispatcher, SyncService } from '../sync/service.ts';

/**
 * The embedded (SQLite) dispatcher: runs execute in this process, a few at a time. On start
 * it picks up runs left queued or running by a previous process (a crash or a restart), so
 * nothing queued is lost.
 */
export interface LocalRunner extends RunDispatcher {
  /** Re-dispatches queued and interrupted runs found in the database. */
  recover(): Promise<number>;
  /** Resolves when every run in flight has ended. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function createLocalRunner(
  db: Kysely<Database>,
  sync: Pick<SyncService, 'execute'>,
  log: Logger,
  concurrency = 2,
): LocalRunner {
  const waiting: string[] = [];
  const inFlight = new Map<string, Promise<void>>();
  let stopped = false;

  function pump(): void {
    while (!stopped && inFlight.size < concurrency && waiting.length) {
      const runId = waiting.shift();
      if (!runId || inFlight.has(runId)) continue;
      const p = sync
        .execute(runId)
        .then(() => undefined)
        .catch((err: unknown) => log.error({ err, runId }, 'run execution crashed'))
        .finally(() => {
          inFlight.delete(runId);
          pump();
        });
      inFlight.set(runId, p);
    }
  }

  return {
    async dispatch({ runId }) {
      if (!waiting.includes(runId)) waiting.push(runId);
      pump();
    },
    async recover() {
      const rows = await db
        .selectFrom('sync_runs')
        .select('id')
        .where('status', 'in', ['queued', 'running'])
        .orderBy('queued_at')
        .execute();
      for (const r of rows) waiting.push(r.id);
      pump();
      return rows.length;
    },
    async idle() {
      while (inFlight.size || waiting.length) await Promise.all([...inFlight.values()]);
    },
    async stop() {
      stopped = true;
      waiting.length = 0;
      await Promise.all([...inFlight.values()]);
    },
  };
}
