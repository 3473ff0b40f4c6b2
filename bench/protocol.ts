/**
 * What the bench parent and a scenario child exchange: the parent passes the emulator's
 * coordinates in BENCH_EMULATOR, the child prints one `BENCH_RESULT {json}` line.
 */

/** How a child reaches an emulator running in the parent. */
export interface EmulatorCoordinates {
  origin: string;
  caCertPem: string;
  tenantId: string;
  clientId: string;
  secret: string;
}

/** The figures one scenario reports. Absent fields do not apply to the scenario. */
export interface ScenarioResult {
  scenario: string;
  dialect?: 'sqlite' | 'postgres' | 'none';
  users?: number;
  latencyMs?: number;
  /** UPN partitions read at once by a full run (issue 12); 1 = one sequential listing. */
  parallelReads?: number;
  wallMs?: number;
  usersPerSecond?: number;
  maxRssMiB?: number;
  graphRequests?: number;
  status?: string;
  /** Extra named timings, e.g. listing pages. */
  timings?: Record<string, number>;
  note?: string;
}

export const RESULT_PREFIX = 'BENCH_RESULT ';

/** Parses BENCH_EMULATOR (set by the parent) or fails loudly. */
export function emulatorFromEnv(): EmulatorCoordinates {
  const raw = process.env.BENCH_EMULATOR;
  if (!raw) throw new Error('BENCH_EMULATOR is not set: run scenarios through bench/run.ts');
  const v = JSON.parse(raw) as Partial<EmulatorCoordinates>;
  for (const k of ['origin', 'caCertPem', 'tenantId', 'clientId', 'secret'] as const) {
    if (typeof v[k] !== 'string') throw new Error(`BENCH_EMULATOR lacks ${k}`);
  }
  return v as EmulatorCoordinates;
}

/** Peak resident set size of this process so far, in MiB. */
export function maxRssMiB(): number {
  // resourceUsage().maxRSS is in kilobytes.
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

/** Prints the result line the parent reads. */
export function report(result: ScenarioResult): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}
