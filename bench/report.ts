import type { MachineInfo } from './machine.ts';
import type { ScenarioResult } from './protocol.ts';

/** The goals of issue 7, printed beside the figures. */
export const GOALS = {
  full100kSqliteS: 10,
  full100kPostgresS: 15,
  floorRatioZeroLatency: 1.5,
  floorRatio300ms: 1.1,
  incrementalNoChangeMs: 50,
  incrementalNoChangeRequests: 1,
  rss1mOver100k: 1.3,
  listPageMs: 50,
  /** Issue 16: change in Entra → user in the directory. */
  notifyMedianS: 15,
  notifyWorstS: 60,
} as const;

/** Issue 12's goals (full runs near the Graph floor, linear to 1,000,000 users). */
export const GOALS_12 = {
  floorRatioZeroLatency: 3,
  wall1mOver100k: 11,
  floorRatio300ms: 1.05,
  incrementalOverFull: 1.0,
  partitionedOverSequentialFloor: 0.35,
  rss1mOver100k: 1.1,
} as const;

/** Everything one `npm run bench` measured. */
export interface BenchReport {
  command: string;
  machine: MachineInfo;
  startedAt: string;
  durationS: number;
  results: ScenarioResult[];
  /** Scenarios that failed, with the reason. */
  errors: string[];
}

const f1 = (n: number | undefined): string => (n === undefined ? '–' : n.toFixed(1));
const f2 = (n: number | undefined): string => (n === undefined ? '–' : n.toFixed(2));
const s = (ms: number | undefined): string => (ms === undefined ? '–' : (ms / 1000).toFixed(2));
const ok = (met: boolean | undefined): string =>
  met === undefined ? 'not measured' : met ? 'met' : '**missed**';

function find(
  results: ScenarioResult[],
  scenario: string,
  dialect: string,
  users: number,
  latencyMs = 0,
): ScenarioResult | undefined {
  return results.find(
    (r) =>
      r.scenario === scenario &&
      r.dialect === dialect &&
      r.users === users &&
      (r.latencyMs ?? 0) === latencyMs,
  );
}

/** The results as markdown: command, machine, one table per scenario, goals summary. */
export function renderReport(rep: BenchReport): string {
  const out: string[] = [];
  const { machine: m, results } = rep;
  out.push('# Benchmark results', '');
  out.push(
    `Command: \`${rep.command}\` — started ${rep.startedAt}, took ${rep.durationS.toFixed(0)} s.`,
  );
  out.push('');
  out.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.platform}.`,
  );
  out.push('');
  out.push(
    'Each scenario runs in a fresh child process (`tsx bench/scenario.ts …`); for full runs and ' +
      "floors the emulator runs in the bench parent so the child's peak RSS is the product's " +
      'alone (plus Node and tsx). Incremental and listing scenarios keep everything in the child.',
  );
  out.push('');

  const fullSizes = [
    ...new Set(results.filter((r) => r.scenario === 'full').map((r) => r.users ?? 0)),
  ]
    .filter((n) => !results.some((r) => r.scenario === 'full' && r.users === n && r.latencyMs))
    .sort((a, b) => a - b);
  out.push('## Full runs at zero latency', '');
  out.push(
    '| users | dialect | wall s | users/s | peak RSS MiB | floor s | run ÷ floor | status |',
  );
  out.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const n of fullSizes) {
    const fl = find(results, 'floor', 'none', n);
    for (const d of ['sqlite', 'postgres']) {
      const r = find(results, 'full', d, n);
      if (!r) continue;
      const ratio = fl?.wallMs && r.wallMs ? r.wallMs / fl.wallMs : undefined;
      out.push(
        `| ${n.toLocaleString('en')} | ${d} | ${s(r.wallMs)} | ${r.usersPerSecond ?? '–'} | ${f1(r.maxRssMiB)} | ${s(fl?.wallMs)} | ${f2(ratio)} | ${r.status ?? ''} |`,
      );
    }
    if (fl)
      out.push(
        `| ${n.toLocaleString('en')} | floor (no database) | ${s(fl.wallMs)} | ${fl.usersPerSecond ?? '–'} | ${f1(fl.maxRssMiB)} | | | |`,
      );
  }
  out.push('');

  const lat = results.filter((r) => r.latencyMs && r.scenario === 'full');
  if (lat.length) {
    out.push('## Full runs with 300 ms per Graph request', '');
    out.push('| users | dialect | wall s | floor s | run ÷ floor |');
    out.push('| ---: | --- | ---: | ---: | ---: |');
    for (const r of lat) {
      const fl = find(results, 'floor', 'none', r.users ?? 0, r.latencyMs);
      const ratio = fl?.wallMs && r.wallMs ? r.wallMs / fl.wallMs : undefined;
      out.push(
        `| ${(r.users ?? 0).toLocaleString('en')} | ${r.dialect} | ${s(r.wallMs)} | ${s(fl?.wallMs)} | ${f2(ratio)} |`,
      );
    }
    out.push('');
  }

  const part = results.filter((r) => r.scenario.startsWith('partitioned-'));
  if (part.length) {
    out.push('## Full runs reading /users in UPN partitions (issue 12)', '');
    out.push(
      'Each row against the sequential floor at the same latency (the Graph side alone, one listing).',
      '',
    );
    out.push('| users | ms per request | reads at once | what | wall s | ÷ sequential floor |');
    out.push('| ---: | ---: | ---: | --- | ---: | ---: |');
    for (const r of part) {
      const floor = part.find(
        (x) =>
          x.scenario === 'partitioned-floor' &&
          x.parallelReads === 1 &&
          x.users === r.users &&
          (x.latencyMs ?? 0) === (r.latencyMs ?? 0),
      );
      const ratio = floor?.wallMs && r.wallMs ? r.wallMs / floor.wallMs : undefined;
      const what =
        r.scenario === 'partitioned-floor'
          ? 'Graph only (no database)'
          : `full run, ${r.dialect} (${r.status ?? ''})`;
      out.push(
        `| ${(r.users ?? 0).toLocaleString('en')} | ${r.latencyMs ?? 0} | ${r.parallelReads ?? '–'} | ${what} | ${s(r.wallMs)} | ${f2(ratio)} |`,
      );
    }
    out.push('');
  }

  const inc = results.filter((r) => r.scenario === 'incremental');
  if (inc.length) {
    out.push('## Incremental runs', '');
    out.push('| directory | dialect | run | wall ms | Graph requests |');
    out.push('| ---: | --- | --- | ---: | ---: |');
    for (const r of inc)
      out.push(
        `| ${(r.users ?? 0).toLocaleString('en')} | ${r.dialect} | ${r.status ?? ''} | ${f1(r.wallMs)} | ${r.graphRequests ?? '–'} |`,
      );
    out.push('');
  }

  const scoped = results.filter((r) => r.scenario === 'group-scope');
  if (scoped.length) {
    out.push('## Incremental runs with group scope (issue 14)', '');
    out.push('| directory | dialect | run | wall ms | Graph requests |');
    out.push('| ---: | --- | --- | ---: | ---: |');
    for (const r of scoped)
      out.push(
        `| ${(r.users ?? 0).toLocaleString('en')} | ${r.dialect} | ${r.status ?? ''} | ${f1(r.wallMs)} | ${r.graphRequests ?? '–'} |`,
      );
    out.push('');
  }

  const rounds = results.filter((r) => r.scenario === 'group-round');
  if (rounds.length) {
    out.push('### The first membership round alone (peak RSS)', '');
    out.push(
      'One group with 10 nested groups holding every user of the tenant; the round runs in a ' +
        'fresh process with the emulator in the bench parent, so its peak RSS is the round’s ' +
        '(plus Node, tsx and an empty product).',
    );
    out.push('');
    out.push('| memberships | dialect | wall s | Graph requests | peak RSS MiB | result |');
    out.push('| ---: | --- | ---: | ---: | ---: | --- |');
    for (const r of rounds)
      out.push(
        `| ${(r.users ?? 0).toLocaleString('en')} | ${r.dialect} | ${s(r.wallMs)} | ${r.graphRequests ?? '–'} | ${f1(r.maxRssMiB)} | ${r.status ?? ''} |`,
      );
    out.push('');
  }

  const rec = results.filter((r) => r.scenario === 'reconcile');
  if (rec.length) {
    out.push('## Reconcile from the mirror after a platform change (no Graph request)', '');
    out.push(
      'A unit named like the department of 1% of the users is created after the full run; the ' +
        '`settings` reconcile reads the mirror for the users whose values use that name and ' +
        'places that 1%, without a Graph request.',
    );
    out.push('');
    out.push(
      '| users | dialect | wall s | Graph requests | floor s (same size) | reconcile ÷ floor | run |',
    );
    out.push('| ---: | --- | ---: | ---: | ---: | ---: | --- |');
    for (const r of rec) {
      const fl = find(results, 'floor', 'none', r.users ?? 0);
      const ratio = fl?.wallMs && r.wallMs ? r.wallMs / fl.wallMs : undefined;
      out.push(
        `| ${(r.users ?? 0).toLocaleString('en')} | ${r.dialect} | ${s(r.wallMs)} | ${r.graphRequests ?? '–'} | ${s(fl?.wallMs)} | ${f2(ratio)} | ${r.status ?? ''} |`,
      );
    }
    out.push('');
  }

  const lst = results.filter((r) => r.scenario === 'listing');
  if (lst.length) {
    out.push('## Listing (GET /api/v1/users over HTTP, median of 7 after one cold call)', '');
    out.push(
      '| organisation | dialect | fill s | Unassigned p1 cold | Unassigned p1 | Unassigned p2 | Deactivated p1 cold | Deactivated p1 | Deactivated p2 |',
    );
    out.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of lst) {
      const t = r.timings ?? {};
      out.push(
        `| ${(r.users ?? 0).toLocaleString('en')} | ${r.dialect} | ${f1(t.fillSeconds)} | ${f1(t['unassigned p1 cold'])} ms | ${f1(t['unassigned p1'])} ms | ${f1(t['unassigned p2'])} ms | ${f1(t['deactivated p1 cold'])} ms | ${f1(t['deactivated p1'])} ms | ${f1(t['deactivated p2'])} ms |`,
      );
    }
    out.push('');
    // Issue 13: the users list's search and filters, first page, median of 5 warm calls.
    out.push(
      '## Users list search and filters (GET /api/v1/users, first page, median of 5 warm calls)',
      '',
    );
    const dialects = lst.map((r) => `${r.dialect} ${(r.users ?? 0).toLocaleString('en')}`);
    out.push(`| query | ${dialects.join(' | ')} | goal |`);
    out.push(`| --- | ${lst.map(() => '---:').join(' | ')} | --- |`);
    for (const [label, goal] of SEARCH_QUERIES) {
      const cells = lst.map((r) => {
        const v = r.timings?.[label];
        return v === undefined ? '–' : `${f1(v)} ms`;
      });
      out.push(
        `| ${label} | ${cells.join(' | ')} | ${goal ? `≤ ${GOALS.listPageMs} ms` : 'n/a'} |`,
      );
    }
    out.push('');
  }

  const nrt = results.filter((r) => r.scenario === 'notify-latency');
  if (nrt.length) {
    out.push(
      '## Near-real-time (issue 16): change in the emulator → user in the directory, 100 changes 1 s apart',
      '',
    );
    out.push('| directory | dialect | median | p90 | worst | runs | subscription set-up | notes |');
    out.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const r of nrt) {
      const t = r.timings ?? {};
      out.push(
        `| ${(r.users ?? 0).toLocaleString('en')} | ${r.dialect} | ${s(t.medianMs)} | ${s(t.p90Ms)} | ${s(t.worstMs)} | ${t.runs ?? '–'} | ${s(t.setupMs)} | ${r.status ?? ''} |`,
      );
    }
    out.push('');
  }

  out.push('## Goals', '');
  out.push('| goal | measured | verdict |');
  out.push('| --- | --- | --- |');
  for (const row of goalRows(results))
    out.push(`| ${row.goal} | ${row.measured} | ${ok(row.met)} |`);
  out.push('');
  if (rep.errors.length) {
    out.push('## Scenarios that failed', '');
    for (const e of rep.errors) out.push(`- ${e}`);
    out.push('');
  }
  return out.join('\n');
}

/** The listing scenario's search and filter timings, and whether the 50 ms goal applies. */
const SEARCH_QUERIES: [label: string, goal: boolean][] = [
  ['search rare (1 hit)', true],
  ['search accent (10%)', true],
  ['search 10% term, Unassigned (0 hits there)', true],
  ['search 10% term, Deactivated (0 hits there)', true],
  ['search none', true],
  ['filter unit', true],
  ['filter unit+search', true],
  ['tab totals', false],
  ['tab totals + search', false],
];

interface GoalRow {
  goal: string;
  measured: string;
  met: boolean | undefined;
}

/** Pure: each goal of issue 7 against the measured figures. */
export function goalRows(results: ScenarioResult[]): GoalRow[] {
  const rows: GoalRow[] = [];
  const full = (d: string, n: number) => find(results, 'full', d, n);
  for (const [d, limit] of [
    ['sqlite', GOALS.full100kSqliteS],
    ['postgres', GOALS.full100kPostgresS],
  ] as const) {
    const r = full(d, 100_000);
    rows.push({
      goal: `full run of 100,000 users on ${d} ≤ ${limit} s`,
      measured: r?.wallMs ? `${s(r.wallMs)} s` : '–',
      met: r?.wallMs ? r.wallMs <= limit * 1000 : undefined,
    });
  }
  for (const d of ['sqlite', 'postgres']) {
    const r = full(d, 100_000);
    const fl = find(results, 'floor', 'none', 100_000);
    const ratio = r?.wallMs && fl?.wallMs ? r.wallMs / fl.wallMs : undefined;
    rows.push({
      goal: `100,000 users on ${d} ≤ ${GOALS.floorRatioZeroLatency}× floor at 0 ms`,
      measured: ratio ? `${f2(ratio)}×` : '–',
      met: ratio ? ratio <= GOALS.floorRatioZeroLatency : undefined,
    });
  }
  for (const r of results.filter((x) => x.scenario === 'full' && x.latencyMs)) {
    const fl = find(results, 'floor', 'none', r.users ?? 0, r.latencyMs);
    const ratio = r.wallMs && fl?.wallMs ? r.wallMs / fl.wallMs : undefined;
    rows.push({
      goal: `${(r.users ?? 0).toLocaleString('en')} users on ${r.dialect} ≤ ${GOALS.floorRatio300ms}× floor at ${r.latencyMs} ms`,
      measured: ratio ? `${f2(ratio)}×` : '–',
      met: ratio ? ratio <= GOALS.floorRatio300ms : undefined,
    });
  }
  for (const d of ['sqlite', 'postgres']) {
    // Both no-change runs count (the first right after the full run, the second warm): the
    // verdict takes the slower one.
    const runs = results.filter(
      (x) => x.scenario === 'incremental' && x.dialect === d && x.timings?.changes === 0,
    );
    const worstMs = Math.max(...runs.map((r) => r.wallMs ?? Infinity));
    const maxRequests = Math.max(...runs.map((r) => r.graphRequests ?? Infinity));
    rows.push({
      goal: `incremental, no change, ${d}: ≤ ${GOALS.incrementalNoChangeMs} ms and ${GOALS.incrementalNoChangeRequests} Graph request`,
      measured: runs.length
        ? runs.map((r) => `${f1(r.wallMs)} ms / ${r.graphRequests} req`).join('; ')
        : '–',
      met: runs.length
        ? worstMs <= GOALS.incrementalNoChangeMs && maxRequests <= GOALS.incrementalNoChangeRequests
        : undefined,
    });
  }
  for (const d of ['sqlite', 'postgres']) {
    const big = full(d, 1_000_000);
    const base = full(d, 100_000);
    const ratio = big?.maxRssMiB && base?.maxRssMiB ? big.maxRssMiB / base.maxRssMiB : undefined;
    rows.push({
      goal: `peak RSS at 1,000,000 ≤ ${GOALS.rss1mOver100k}× at 100,000 (${d})`,
      measured: ratio
        ? `${f2(ratio)}× (${f1(big?.maxRssMiB)} / ${f1(base?.maxRssMiB)} MiB)`
        : '– (run with --huge)',
      met: ratio ? ratio <= GOALS.rss1mOver100k : undefined,
    });
  }
  for (const r of results.filter((x) => x.scenario === 'listing')) {
    const t = r.timings ?? {};
    const pages = ['unassigned p1', 'unassigned p2', 'deactivated p1', 'deactivated p2'].map(
      (k) => t[k] ?? Infinity,
    );
    const worst = Math.max(...pages);
    rows.push({
      goal: `list pages on ${(r.users ?? 0).toLocaleString('en')} users (${r.dialect}) ≤ ${GOALS.listPageMs} ms`,
      measured: `worst warm page ${f1(worst)} ms`,
      met: worst <= GOALS.listPageMs,
    });
    const searches = SEARCH_QUERIES.filter(([, goal]) => goal).map(
      ([label]) => [label, t[label]] as const,
    );
    if (searches.some(([, v]) => v !== undefined)) {
      const [label, slowest] = searches.reduce((a, b) =>
        (b[1] ?? Infinity) > (a[1] ?? Infinity) ? b : a,
      );
      rows.push({
        goal: `search and unit filter, first page, on ${(r.users ?? 0).toLocaleString('en')} users (${r.dialect}) ≤ ${GOALS.listPageMs} ms`,
        measured: `slowest: ${label} ${f1(slowest)} ms`,
        met: (slowest ?? Infinity) <= GOALS.listPageMs,
      });
    }
  }
  for (const r of results.filter((x) => x.scenario === 'notify-latency')) {
    const t = r.timings ?? {};
    const complete = (t.lost ?? 1) === 0;
    rows.push({
      goal: `near-real-time on ${r.dialect}: median ≤ ${GOALS.notifyMedianS} s, worst ≤ ${GOALS.notifyWorstS} s (debounce included)`,
      measured: `${s(t.medianMs)} s / ${s(t.worstMs)} s${complete ? '' : `, ${t.lost} lost`}`,
      met:
        t.medianMs !== undefined && t.worstMs !== undefined
          ? complete &&
            t.medianMs <= GOALS.notifyMedianS * 1000 &&
            t.worstMs <= GOALS.notifyWorstS * 1000
          : undefined,
    });
  }
  rows.push(...issue12Rows(results));
  return rows;
}

/** Pure: issue 12's goals against the measured figures (ratios within this one run). */
export function issue12Rows(results: ScenarioResult[]): GoalRow[] {
  const rows: GoalRow[] = [];
  const full = (d: string, n: number, latencyMs = 0) => find(results, 'full', d, n, latencyMs);
  const ratioRow = (goal: string, a?: number, b?: number, limit?: number, atLeast = false) => {
    const ratio = a && b ? a / b : undefined;
    rows.push({
      goal,
      measured: ratio ? `${f2(ratio)}×` : '–',
      met: ratio && limit !== undefined ? (atLeast ? ratio >= limit : ratio <= limit) : undefined,
    });
  };
  const floor100k = find(results, 'floor', 'none', 100_000)?.wallMs;
  for (const d of ['sqlite', 'postgres']) {
    ratioRow(
      `issue 12: full 100,000 ÷ floor at 0 ms ≤ ${GOALS_12.floorRatioZeroLatency}× (${d})`,
      full(d, 100_000)?.wallMs,
      floor100k,
      GOALS_12.floorRatioZeroLatency,
    );
  }
  for (const d of ['sqlite', 'postgres']) {
    const big = full(d, 1_000_000)?.wallMs;
    rows.push({
      goal: `issue 12: full 1,000,000 wall ÷ full 100,000 wall ≤ ${GOALS_12.wall1mOver100k}× (${d})`,
      measured: big ? `${f2(big / (full(d, 100_000)?.wallMs ?? NaN))}×` : '– (run with --huge)',
      met: big
        ? big / (full(d, 100_000)?.wallMs ?? Infinity) <= GOALS_12.wall1mOver100k
        : undefined,
    });
  }
  for (const r of results.filter((x) => x.scenario === 'full' && x.latencyMs)) {
    ratioRow(
      `issue 12: full ${(r.users ?? 0).toLocaleString('en')} at ${r.latencyMs} ms ÷ floor ≤ ${GOALS_12.floorRatio300ms}× (${r.dialect})`,
      r.wallMs,
      find(results, 'floor', 'none', r.users ?? 0, r.latencyMs)?.wallMs,
      GOALS_12.floorRatio300ms,
    );
  }
  for (const d of ['sqlite', 'postgres']) {
    // Users per second of an incremental round of 10,000 changes against the full run's.
    const inc = results.find(
      (x) => x.scenario === 'incremental' && x.dialect === d && x.timings?.changes === 10_000,
    );
    const f = full(d, 100_000);
    ratioRow(
      `issue 12: incremental 10,000 changes, users/s ÷ full run's users/s ≥ ${GOALS_12.incrementalOverFull} (${d})`,
      inc?.wallMs ? 10_000 / inc.wallMs : undefined,
      f?.wallMs ? 100_000 / f.wallMs : undefined,
      GOALS_12.incrementalOverFull,
      true,
    );
  }
  const seqFloor = results.find(
    (x) => x.scenario === 'partitioned-floor' && x.parallelReads === 1 && x.latencyMs === 300,
  );
  for (const r of results.filter(
    (x) => x.scenario === 'partitioned-full' && x.latencyMs === 300 && (x.parallelReads ?? 1) > 1,
  )) {
    ratioRow(
      `issue 12 (stretch): full ${(r.users ?? 0).toLocaleString('en')} at 300 ms in partitions ÷ sequential floor ≤ ${GOALS_12.partitionedOverSequentialFloor}× (${r.dialect})`,
      r.wallMs,
      seqFloor?.wallMs,
      GOALS_12.partitionedOverSequentialFloor,
    );
  }
  for (const d of ['sqlite', 'postgres']) {
    const big = full(d, 1_000_000)?.maxRssMiB;
    const base = full(d, 100_000)?.maxRssMiB;
    rows.push({
      goal: `issue 12: peak RSS at 1,000,000 ÷ at 100,000 ≤ ${GOALS_12.rss1mOver100k}× (${d})`,
      measured: big && base ? `${f2(big / base)}×` : '– (run with --huge)',
      met: big && base ? big / base <= GOALS_12.rss1mOver100k : undefined,
    });
  }
  return rows;
}
