import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies the WAL back into the database file. */
const EVERY_MS = 1000;

/**
 * Moves SQLite's WAL checkpoints off the event loop (issue 12).
 *
 * With automatic checkpoints, the commit that crosses the WAL size limit copies the whole
 * log into the database file and syncs it, on the thread that committed: during a full
 * run, every eighth page commit stalled the event loop for 150–270 ms. Here a worker thread
 * with its own connection runs a PASSIVE checkpoint every second, which never blocks the
 * writer or readers, and the caller turns automatic checkpoints off.
 *
 * A worker runs JavaScript only: the code below is evaluated (not a module file) so the same
 * source works under tsx and from the compiled `dist/`, and it loads better-sqlite3 from the
 * path this module resolves, whatever the process's working directory.
 */
export interface Checkpointer {
  stop(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy (another process checkpoints) or closing: the next tick tries again.
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {}
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(path: string): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, driver, everyMs: EVERY_MS },
  });
  // Never the reason a process stays up; an error only costs the off-thread checkpoints
  // (SQLite's own checkpoint on close still runs).
  worker.unref();
  worker.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping = false;
  return {
    stop() {
      if (!stopping) {
        stopping = true;
        // Waiting on an unref'd worker would leave the event loop empty: Node would exit
        // (code 13, unsettled top-level await) before the last checkpoint and close.
        worker.ref();
        worker.postMessage('stop');
      }
      return exited;
    },
  };
}
