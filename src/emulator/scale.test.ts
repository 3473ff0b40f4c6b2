import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index.ts';
import { TestClient } from './test-client.ts';

let emulator: Emulator | undefined;
let client: TestClient | undefined;

afterAll(async () => {
  await client?.close();
  await emulator?.close();
});

describe('scale', () => {
  it('generates 100,000 users and pages them all via /users and /users/delta', async () => {
    const t0 = performance.now();
    emulator = await startEmulator({ users: 100_000, seed: 1, deltaPageSize: 999 });
    const generated = performance.now() - t0;
    expect(emulator.tenant.count()).toBe(100_000);
    client = new TestClient(emulator);
    const token = await client.accessToken();
    const select =
      'id,givenName,surname,displayName,mail,userPrincipalName,accountEnabled,userType,jobTitle,companyName,department,streetAddress,state,country,officeLocation,city,postalCode';

    const t1 = performance.now();
    const users = await client.all(`/v1.0/users?$top=999&$select=${select}`, token);
    const paged = performance.now() - t1;
    expect(users.values).toHaveLength(100_000);
    expect(users.pages).toBe(101);

    const t2 = performance.now();
    const delta = await client.all(`/v1.0/users/delta?$select=${select}`, token);
    const deltaPaged = performance.now() - t2;
    expect(delta.values).toHaveLength(100_000);

    emulator.tenant.updateUser(String(users.values[5]?.id), { department: 'Sales' });
    const t3 = performance.now();
    const incremental = await client.all(String(delta.last.json['@odata.deltaLink']), token);
    const incrementalMs = performance.now() - t3;
    expect(incremental.values).toHaveLength(1);

    console.log(
      `[emulator scale] 100,000 users: start+generate ${generated.toFixed(0)} ms; ` +
        `/users $top=999 full paging ${paged.toFixed(0)} ms (${users.pages} pages); ` +
        `delta first round ${deltaPaged.toFixed(0)} ms (${delta.pages} pages); ` +
        `incremental round with 1 change ${incrementalMs.toFixed(1)} ms`,
    );
    // Generous bounds for a shared 2-core machine; they catch an accidental O(n²).
    expect(generated).toBeLessThan(5_000);
    expect(paged).toBeLessThan(20_000);
    expect(incrementalMs).toBeLessThan(500);
  });
});
