#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError } from './config.ts';
import { registerAdmin } from './commands/admin.ts';
import { registerDemo } from './commands/demo.ts';
import { registerEmulator } from './commands/emulator.ts';
import { registerPurge } from './commands/purge.ts';
import { registerServe } from './commands/serve.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerSync } from './commands/sync.ts';
import { registerWorker } from './commands/worker.ts';

/** The `azure-user-sync` command line. Each command lives in src/commands/. */
export function buildProgram(): Command {
  const program = new Command('azure-user-sync')
    .description('Keeps a workforce platform directory in step with Microsoft Entra ID')
    .showHelpAfterError();
  registerServe(program);
  registerWorker(program);
  registerDemo(program);
  registerSync(program);
  registerAdmin(program);
  registerEmulator(program);
  registerMigrate(program);
  registerPurge(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    // Expected failures (bad configuration, bad arguments) print one readable line.
    const message = err instanceof Error ? err.message : String(err);
    console.error(`azure-user-sync: ${message}`);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
  }
}

await main();
