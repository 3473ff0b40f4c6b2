import type { DialectKind } from '../../src/db/connect.ts';
import { setUpProduct } from '../product.ts';
import { emulatorFromEnv, maxRssMiB, type ScenarioResult } from '../protocol.ts';

/**
 * A full run of the real product against the emulator in the parent process (so this
 * process's peak RSS is the product's alone): wall time, users per second, peak RSS.
 */
export async function fullRun(
  dialect: DialectKind,
  users: number,
  /** Given: a row of the partitioned-listing comparison (issue 12) with this setting. */
  parallelReads?: number,
): Promise<ScenarioResult> {
  // The plain full rows read one sequential listing, as before issue 12, so they compare
  // with earlier results and with the sequential floor; the partitioned rows set it.
  const product = await setUpProduct(dialect, emulatorFromEnv(), {}, parallelReads ?? 1);
  try {
    const t0 = performance.now();
    const run = await product.run(true);
    const wallMs = performance.now() - t0;
    return {
      scenario: parallelReads === undefined ? 'full' : 'partitioned-full',
      ...(parallelReads === undefined ? {} : { parallelReads }),
      dialect,
      users,
      wallMs,
      usersPerSecond: Math.round((run.progress.usersRead / wallMs) * 1000),
      maxRssMiB: maxRssMiB(),
      status: `${run.status} (${run.counts.created} created, ${run.counts.skipped} skipped)`,
    };
  } finally {
    await product.close();
  }
}
