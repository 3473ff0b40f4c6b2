/**
 * One benchmark scenario in a fresh process, so its peak RSS is its own:
 *   tsx bench/scenario.ts full <sqlite|postgres> <users> [parallelReads]
 *   tsx bench/scenario.ts floor <users> <latencyMs>
 *   tsx bench/scenario.ts partitioned-floor <users> <latencyMs> <parallelReads>
 *   tsx bench/scenario.ts incremental <sqlite|postgres> <users>
 *   tsx bench/scenario.ts group-scope <sqlite|postgres> <users>
 *   tsx bench/scenario.ts group-round <sqlite|postgres> <members>
 *   tsx bench/scenario.ts listing <sqlite|postgres> <users>
 *   tsx bench/scenario.ts reconcile <sqlite|postgres> <users>
 *   tsx bench/scenario.ts notify-latency <sqlite|postgres> <users>
 * Prints one `BENCH_RESULT {json}` line per result (see protocol.ts).
 */
import type { DialectKind } from '../src/db/connect.ts';
import { report } from './protocol.ts';
import { floor } from './scenarios/floor.ts';
import { fullRun } from './scenarios/full.ts';
import { groupRound } from './scenarios/group-round.ts';
import { groupScope } from './scenarios/group-scope.ts';
import { incremental } from './scenarios/incremental.ts';
import { listing } from './scenarios/listing.ts';
import { notifyLatency } from './scenarios/notify-latency.ts';
import { partitionedFloor } from './scenarios/partitioned-floor.ts';
import { reconcileAfterPlatformChange } from './scenarios/reconcile.ts';

function dialectArg(v: string | undefined): DialectKind {
  if (v === 'sqlite' || v === 'postgres') return v;
  throw new Error(`dialect must be sqlite or postgres, got ${String(v)}`);
}

function countArg(v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a count: ${String(v)}`);
  return n;
}

const [name, a, b, c] = process.argv.slice(2);
switch (name) {
  case 'full':
    report(await fullRun(dialectArg(a), countArg(b), c === undefined ? undefined : countArg(c)));
    break;
  case 'partitioned-floor':
    report(await partitionedFloor(countArg(a), countArg(b), countArg(c)));
    break;
  case 'floor':
    report(await floor(countArg(a), countArg(b)));
    break;
  case 'incremental':
    for (const r of await incremental(dialectArg(a), countArg(b))) report(r);
    break;
  case 'group-scope':
    for (const r of await groupScope(dialectArg(a), countArg(b))) report(r);
    break;
  case 'group-round':
    report(await groupRound(dialectArg(a), countArg(b)));
    break;
  case 'reconcile':
    report(await reconcileAfterPlatformChange(dialectArg(a), countArg(b)));
    break;
  case 'notify-latency':
    report(await notifyLatency(dialectArg(a), countArg(b)));
    break;
  case 'listing':
    report(await listing(dialectArg(a), countArg(b)));
    break;
  default:
    throw new Error(`unknown scenario ${String(name)}`);
}
// pg pools and undici keep-alive sockets would hold the process open a while.
process.exit(0);
