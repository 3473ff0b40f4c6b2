import { emulatorClient } from '../emulator-client.ts';
import { graphUserSource } from '../../src/sync/graph-source.ts';
import { maxRssMiB, type ScenarioResult } from '../protocol.ts';

/**
 * The Graph side of a full run alone, exactly as the product reads it (issue 12): the
 * source's full round, i.e. the latest delta link and the user count, then `/users` in UPN
 * partitions, `parallelReads` at once (1 = the sequential listing), no database work.
 */
export async function partitionedFloor(
  users: number,
  latencyMs: number,
  parallelReads: number,
): Promise<ScenarioResult> {
  const client = emulatorClient();
  const t0 = performance.now();
  let read = 0;
  let notes = 0;
  for await (const page of graphUserSource(client, { parallelReads }).full()) {
    read += page.users.length;
    if (page.note) notes++;
  }
  const wallMs = performance.now() - t0;
  if (read !== users || notes)
    throw new Error(`read ${read} users (${notes} notes), expected ${users}`);
  return {
    scenario: 'partitioned-floor',
    dialect: 'none',
    users,
    latencyMs,
    parallelReads,
    wallMs,
    usersPerSecond: Math.round((read / wallMs) * 1000),
    maxRssMiB: maxRssMiB(),
  };
}
