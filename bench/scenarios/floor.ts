import { emulatorClient } from '../emulator-client.ts';
import { maxRssMiB, type ScenarioResult } from '../protocol.ts';

/**
 * The floor: the same client pages through the same emulator exactly as a full run does
 * (latest delta link, then /users pages of 999 with read-ahead), with no database work.
 */
export async function floor(users: number, latencyMs: number): Promise<ScenarioResult> {
  const client = emulatorClient();
  const t0 = performance.now();
  await client.latestDeltaLink();
  let read = 0;
  for await (const page of client.listUsers({ prefetch: true })) read += page.users.length;
  const wallMs = performance.now() - t0;
  if (read !== users) throw new Error(`floor read ${read} users, expected ${users}`);
  return {
    scenario: 'floor',
    dialect: 'none',
    users,
    latencyMs,
    wallMs,
    usersPerSecond: Math.round((read / wallMs) * 1000),
    maxRssMiB: maxRssMiB(),
  };
}
