import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { GraphError, isCredentialError } from './errors.ts';
import { emulatorClient, listIds } from './testing/emulator-client.ts';
import type { GraphClient } from './types.ts';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ users: 5, seed: 31 });
});
afterAll(async () => {
  await emu.close();
});

async function failure(client: GraphClient): Promise<GraphError> {
  const err = await listIds(client).catch((e: unknown) => e);
  if (!(err instanceof GraphError)) throw new Error(`expected a GraphError, got ${String(err)}`);
  return err;
}

function withIds(tenantId: string, applicationId: string, secret: string): GraphClient {
  return emulatorClient(emu, emu.tenant, emu.tenant.defaultApp, {
    tenantId,
    applicationId,
    secret,
  });
}

describe('credential errors an administrator can act on', () => {
  it('wrong secret → invalid_secret', async () => {
    const err = await failure(
      withIds(emu.tenant.id, emu.tenant.defaultApp.clientId, 'not-the-secret'),
    );
    expect(err.code).toBe('invalid_secret');
    expect(err.message).toBe("The secret is wrong: paste the secret's Value, not its ID");
    expect(err.httpStatus).toBe(401);
    expect(isCredentialError(err)).toBe(true);
  });

  it('expired secret → secret_expired with the date', async () => {
    const app = emu.tenant.addApp({ secretExpiresAt: new Date('2024-06-30T00:00:00Z') });
    const err = await failure(emulatorClient(emu, emu.tenant, app));
    expect(err.code).toBe('secret_expired');
    expect(err.message).toBe(
      'The secret expired on 2024-06-30: create a new one in Entra ID and replace it here',
    );
  });

  it('unknown application → unknown_application', async () => {
    const err = await failure(withIds(emu.tenant.id, '11111111-2222-3333-4444-555555555555', 's'));
    expect(err.code).toBe('unknown_application');
    expect(err.message).toMatch(/^No app with this Application ID in this tenant/);
  });

  it('unknown tenant (GUID or domain) → tenant_not_found', async () => {
    const app = emu.tenant.defaultApp;
    for (const tenantId of ['99999999-8888-7777-6666-555555555555', 'nobody.onmicrosoft.com']) {
      const err = await failure(withIds(tenantId, app.clientId, app.secret));
      expect(err.code).toBe('tenant_not_found');
      expect(err.message).toMatch(/^Tenant not found/);
    }
  });

  it('malformed tenant → tenant_malformed', async () => {
    const app = emu.tenant.defaultApp;
    const err = await failure(withIds('not a tenant!', app.clientId, app.secret));
    expect(err.code).toBe('tenant_malformed');
  });

  it('the tenant domain works like its GUID', async () => {
    const app = emu.tenant.defaultApp;
    const { ids } = await listIds(withIds(emu.tenant.domain, app.clientId, app.secret));
    expect(ids).toHaveLength(5);
  });

  it('app without admin consent → permission_missing', async () => {
    const app = emu.tenant.addApp({ consent: false });
    const err = await failure(emulatorClient(emu, emu.tenant, app));
    expect(err.code).toBe('permission_missing');
    expect(err.message).toMatch(/^User.Read.All is missing or admin consent was not granted/);
    expect(err.httpStatus).toBe(403);
    expect(err.requestId).toBeTruthy();
  });
});

describe('network and TLS failures', () => {
  it('an untrusted certificate → tls_untrusted advising NODE_EXTRA_CA_CERTS', async () => {
    const err = await failure(
      emulatorClient(emu, emu.tenant, emu.tenant.defaultApp, { extraCaPem: [] }),
    );
    expect(err.code).toBe('tls_untrusted');
    expect(err.message).toContain('NODE_EXTRA_CA_CERTS');
    expect(isCredentialError(err)).toBe(false);
  });

  it('nobody listening → network_unreachable naming the host', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const origin = `https://127.0.0.1:${port}`;
    const err = await failure(
      emulatorClient(emu, emu.tenant, emu.tenant.defaultApp, {
        authorityHost: origin,
        graphEndpoint: origin,
        maxAttempts: 2,
      }),
    );
    expect(err.code).toBe('network_unreachable');
    expect(err.message).toContain(`127.0.0.1:${port}`);
  });
});

describe('testConnection', () => {
  it('reports every step when all is well', async () => {
    const result = await emulatorClient(emu).testConnection();
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => [s.name, s.ok])).toEqual([
      ['token', true],
      ['permission', true],
      ['read-user', true],
    ]);
    expect(result.steps[2]!.message).toMatch(/^Read .+@/);
  });

  it('stops at the token step with the readable reason', async () => {
    const result = await withIds(
      emu.tenant.id,
      emu.tenant.defaultApp.clientId,
      'wrong',
    ).testConnection();
    expect(result).toEqual({
      ok: false,
      steps: [
        {
          name: 'token',
          ok: false,
          message: "The secret is wrong: paste the secret's Value, not its ID",
        },
        { name: 'permission', ok: false, message: 'Not run: an earlier step failed' },
        { name: 'read-user', ok: false, message: 'Not run: an earlier step failed' },
      ],
    });
  });

  it('stops at the permission step when consent is missing', async () => {
    const app = emu.tenant.addApp({ consent: false });
    const result = await emulatorClient(emu, emu.tenant, app).testConnection();
    expect(result.ok).toBe(false);
    expect(result.steps.map((s) => s.ok)).toEqual([true, false, false]);
    expect(result.steps[1]!.message).toMatch(/^User.Read.All is missing/);
    expect(result.steps[2]!.message).toBe('Not run: an earlier step failed');
  });
});
