/**
 * `npm run bench [-- --huge] [-- --only=full,latency,partitioned,incremental,group-scope,group-round,reconcile,listing,notify-latency]
 *  [-- --quick] [-- --sizes=30000] [-- --listing-users=100000] [-- --profile]`
 *
 * Runs the scenarios of issue 7 against the real product and the emulator, each in a fresh
 * child process, prints a markdown report and writes it to bench/RESULTS.md (not with
 * --quick or --only, which are for trying things out).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '../src/emulator/index.ts';
import { machineInfo } from './machine.ts';
import { RESULT_PREFIX, type EmulatorCoordinates, type ScenarioResult } from './protocol.ts';
import { renderReport, type BenchReport } from './report.ts';

const args = process.argv.slice(2);
const huge = args.includes('--huge');
const quick = args.includes('--quick');
const profile = args.includes('--profile');
const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const only = onlyArg ? new Set(onlyArg.split(',')) : undefined;
const wants = (s: string) => !only || only.has(s);

const SCENARIO = fileURLToPath(new URL('./scenario.ts', import.meta.url));
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
/** `--profile` writes a V8 CPU profile of every scenario child here (open in Chrome DevTools). */
const PROFILES = fileURLToPath(new URL('./profiles/', import.meta.url));

/** 300 ms per request: 20,000 users = 21 pages ≈ 7 s of waiting, enough to see overlap. */
const LATENCY_MS = 300;
const LATENCY_USERS = quick ? 5_000 : 20_000;
const sizesArg = args.find((a) => a.startsWith('--sizes='))?.slice('--sizes='.length);
const FULL_SIZES = sizesArg
  ? sizesArg.split(',').map(Number)
  : quick
    ? [10_000]
    : huge
      ? [10_000, 100_000, 1_000_000]
      : [10_000, 100_000];
const INCREMENTAL_USERS = quick ? 10_000 : 100_000;
/** Issue 12: full runs reading /users in UPN partitions (the product's default of 4). */
const PARTITIONED_USERS = quick ? 10_000 : 100_000;
const PARALLEL_READS = 4;
const GROUP_ROUND_SIZES = quick ? [2_000, 20_000] : [10_000, 200_000];
/** `--listing-users=N`: the listing scenario's organisation size (filling 1,000,000 takes minutes). */
const listingArg = args
  .find((a) => a.startsWith('--listing-users='))
  ?.slice('--listing-users='.length);
const LISTING_USERS = listingArg ? Number(listingArg) : quick ? 20_000 : 1_000_000;
const NOTIFY_USERS = quick ? 1_000 : 10_000;

const results: ScenarioResult[] = [];
const errors: string[] = [];

function coordinates(e: Emulator): EmulatorCoordinates {
  return {
    origin: e.origin,
    caCertPem: e.caCertPem,
    tenantId: e.tenant.id,
    clientId: e.tenant.defaultApp.clientId,
    secret: e.tenant.defaultApp.secret,
  };
}

/** Runs `tsx bench/scenario.ts …args` and collects its result lines. */
async function scenario(
  argv: string[],
  emulator?: Emulator,
  extraEnv: Record<string, string> = {},
): Promise<void> {
  const label = argv.join(' ');
  process.stderr.write(`… ${label}\n`);
  const cpuProf = profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`] : [];
  const child = spawn(process.execPath, [...cpuProf, '--import', 'tsx', SCENARIO, ...argv], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      ...(emulator ? { BENCH_EMULATOR: JSON.stringify(coordinates(emulator)) } : {}),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const lines = stdout.split('\n').filter((l) => l.startsWith(RESULT_PREFIX));
  for (const line of lines) {
    const r = JSON.parse(line.slice(RESULT_PREFIX.length)) as ScenarioResult;
    results.push(r);
    process.stderr.write(`  ${JSON.stringify(r)}\n`);
  }
  if (code !== 0 || lines.length === 0) errors.push(`${label}: exit code ${code}`);
}

const t0 = Date.now();
const startedAt = new Date().toISOString();

if (wants('full')) {
  for (const n of FULL_SIZES) {
    // Generated in the parent: the child's RSS is the product's, not the fake tenant's.
    const emulator = await startEmulator({ users: n, seed: 1 });
    try {
      await scenario(['floor', String(n), '0'], emulator);
      await scenario(['full', 'sqlite', String(n)], emulator);
      await scenario(['full', 'postgres', String(n)], emulator);
    } finally {
      await emulator.close();
    }
  }
}
if (wants('latency')) {
  const emulator = await startEmulator({ users: LATENCY_USERS, seed: 1, latencyMs: LATENCY_MS });
  try {
    await scenario(['floor', String(LATENCY_USERS), String(LATENCY_MS)], emulator);
    for (const d of ['sqlite', 'postgres']) {
      const before = results.length;
      await scenario(['full', d, String(LATENCY_USERS)], emulator);
      for (const r of results.slice(before)) r.latencyMs = LATENCY_MS;
    }
  } finally {
    await emulator.close();
  }
}
if (wants('partitioned')) {
  // Issue 12: a full run reading /users in UPN partitions at once, against the sequential
  // floor at the same latency; then the same runs at 0 ms, where only the database is left.
  const n = PARTITIONED_USERS;
  for (const latencyMs of [LATENCY_MS, 0]) {
    const emulator = await startEmulator({ users: n, seed: 1, latencyMs });
    const tag = (before: number) => {
      for (const r of results.slice(before)) r.latencyMs = latencyMs;
    };
    try {
      for (const p of [1, PARALLEL_READS]) {
        await scenario(['partitioned-floor', String(n), String(latencyMs), String(p)], emulator);
      }
      for (const [d, p] of [
        ['sqlite', PARALLEL_READS],
        ['postgres', PARALLEL_READS],
        ['sqlite', 1],
      ] as const) {
        const before = results.length;
        await scenario(['full', d, String(n), String(p)], emulator);
        tag(before);
      }
    } finally {
      await emulator.close();
    }
  }
}
if (wants('incremental')) {
  for (const d of ['sqlite', 'postgres'])
    await scenario(['incremental', d, String(INCREMENTAL_USERS)]);
}
if (wants('group-scope')) {
  for (const d of ['sqlite', 'postgres'])
    await scenario(['group-scope', d, String(INCREMENTAL_USERS)]);
}
if (wants('group-round')) {
  // The first membership round alone, at two sizes: its peak RSS must not grow with members.
  for (const members of GROUP_ROUND_SIZES) {
    const emulator = await startEmulator({ users: members, seed: 12 });
    try {
      const t = emulator.tenant;
      const outer = t.addGroup('All stores');
      const nested = Array.from({ length: 10 }, (_, i) => t.addGroup(`Store ${i + 1}`));
      for (const g of nested) t.addGroupMember(outer.id, g.id);
      let i = 0;
      for (const u of t.users()) t.addGroupMember(nested[i++ % 10]?.id ?? '', u.id);
      for (const d of ['sqlite', 'postgres'])
        await scenario(['group-round', d, String(members)], emulator, {
          BENCH_SCOPE_GROUP: outer.id,
        });
    } finally {
      await emulator.close();
    }
  }
}
if (wants('reconcile')) {
  // The Graph floor for the same size, measured in this run, is the yardstick (issue 10).
  const n = INCREMENTAL_USERS;
  if (!results.some((r) => r.scenario === 'floor' && r.users === n && !r.latencyMs)) {
    const emulator = await startEmulator({ users: n, seed: 1 });
    try {
      await scenario(['floor', String(n), '0'], emulator);
    } finally {
      await emulator.close();
    }
  }
  for (const d of ['sqlite', 'postgres']) await scenario(['reconcile', d, String(n)]);
}
if (wants('notify-latency')) {
  // Issue 16: change in Entra → user in the directory, with change notifications.
  for (const d of ['sqlite', 'postgres'])
    await scenario(['notify-latency', d, String(NOTIFY_USERS)]);
}
if (wants('listing')) {
  for (const d of ['sqlite', 'postgres']) await scenario(['listing', d, String(LISTING_USERS)]);
}

const report: BenchReport = {
  command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
  machine: machineInfo(),
  startedAt,
  durationS: (Date.now() - t0) / 1000,
  results,
  errors,
};
const markdown = renderReport(report);
process.stdout.write(`${markdown}\n`);
if (!quick && !only && !profile && !sizesArg) {
  writeFileSync(RESULTS, `${markdown}\n`);
  process.stderr.write(`written to ${RESULTS}\n`);
}
process.exitCode = errors.length ? 1 : 0;
