// Runs `azure-user-sync worker` through registerWorker alone, for tests written before the
// command is wired into src/cli.ts; the multi-worker test prefers the real bin when it is.
import { Command } from 'commander';
import { registerWorker } from '../../src/commands/worker.ts';

const program = new Command('azure-user-sync');
registerWorker(program);
try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`azure-user-sync: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}
