import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { openContext } from '../bootstrap.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { syncServiceFor } from '../sync/from-context.ts';
import { COUNT_KEYS, type Run } from '../sync/run-record.ts';
import { getRun, RunInProgressError } from '../sync/runs-repo.ts';

/** `azure-user-sync sync <integration-id> [--full] [--dry-run]`: run now, show progress, print counts. */
export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('synchronise one integration now, with a progress bar, and print the counts')
    .argument('<integration-id>', 'the integration to synchronise')
    .option('--full', 'full synchronisation of the whole user base (Initiate synchronisation)')
    .option('--dry-run', 'preview: report what would change, change nothing')
    .action(async (integrationId: string, opts: { full?: boolean; dryRun?: boolean }) => {
      const config = loadConfig();
      // Keep the terminal for the progress bar: only warnings and worse are logged here.
      const ctx = await openContext(config, {
        log: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel),
      });
      try {
        const integration = await ctx.db
          .selectFrom('integrations')
          .select(['id', 'org_id', 'name'])
          .where('id', '=', integrationId)
          .executeTakeFirst();
        if (!integration) throw new Error(`no integration with id ${integrationId}`);
        const sync = syncServiceFor(ctx);
        let queued: Run;
        try {
          queued = await sync.requestRun(integration.org_id, integration.id, {
            full: opts.full ?? false,
            dryRun: opts.dryRun ?? false,
            trigger: 'cli',
          });
        } catch (err) {
          if (err instanceof RunInProgressError)
            throw new Error(`a run is already in progress (run ${err.runId})`);
          throw err;
        }
        const bar = process.stderr.isTTY
          ? new cliProgress.SingleBar(
              {
                format: ' {spinner} {users} users read · {pages} pages · {status}',
                hideCursor: true,
                stream: process.stderr,
              },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
        bar?.start(1, 0, { users: 0, pages: 0, status: 'queued', spinner: '|' });
        let tick = 0;
        const timer = setInterval(() => {
          void getRun(ctx.db, queued.id).then((r) => {
            if (!r) return;
            tick++;
            const spinner = '|/-\\'[tick % 4] ?? '|';
            if (bar)
              bar.update(0, {
                users: r.progress.usersRead,
                pages: r.progress.pages,
                status: r.status,
                spinner,
              });
            else if (tick % 10 === 0)
              console.error(`${r.progress.usersRead} users read, ${r.progress.pages} pages`);
          });
        }, 200);
        const done = await sync.execute(queued.id);
        clearInterval(timer);
        bar?.stop();
        if (!done) throw new Error('the run disappeared');
        printSummary(integration.name, done);
        if (done.status === 'failed') process.exitCode = 1;
      } finally {
        await ctx.database.close();
      }
    });
}

function printSummary(name: string, run: Run): void {
  const kind = `${run.dryRun ? 'preview of a ' : ''}${run.mode} synchronisation`;
  console.log(`${name}: ${kind} ${run.status} (run ${run.id})`);
  console.log(`users read: ${run.progress.usersRead} in ${run.progress.pages} pages`);
  for (const k of COUNT_KEYS) console.log(`${k}: ${run.counts[k]}`);
  if (run.heldDeletions)
    console.log(`held deletions: ${run.heldDeletions} (approve them in the panel or the API)`);
  for (const n of run.notes) console.log(`note: ${n}`);
  if (run.error) console.log(`error: ${run.error.message}`);
}
