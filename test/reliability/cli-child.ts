import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SyncEnv } from '../helpers/sync-env.ts';

const BIN = fileURLToPath(new URL('../../bin/azure-user-sync.js', import.meta.url));

/** A `azure-user-sync sync` child process and a promise of its exit. */
export interface CliRun {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

/**
 * Starts `azure-user-sync sync <integration> [--full]` in a child process against the env's
 * database and emulator, sharing the env's encryption key. A 1-second heartbeat timeout lets
 * a restarted process take over a run whose process was killed.
 */
export function startCliSync(env: SyncEnv, full: boolean): CliRun {
  const child = spawn(
    process.execPath,
    [BIN, 'sync', env.integrationId, ...(full ? ['--full'] : [])],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: env.db.url,
        ENCRYPTION_KEY: env.encryptionKey.toString('base64'),
        AZURE_AUTHORITY_HOST: env.emulator.origin,
        GRAPH_ENDPOINT: env.emulator.origin,
        NODE_EXTRA_CA_CERTS: env.emulator.caCertFile,
        RUN_HEARTBEAT_TIMEOUT_SECONDS: '1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    output: string;
  }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, output })));
  return { child, exited };
}
