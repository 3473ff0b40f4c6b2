import { ConfidentialClientApplication } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index.ts';
import { TestClient } from './test-client.ts';

let emulator: Emulator;
let client: TestClient;

beforeAll(async () => {
  emulator = await startEmulator();
  client = new TestClient(emulator);
});
afterAll(async () => {
  await client.close();
  await emulator.close();
});

function form(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    grant_type: 'client_credentials',
    client_id: emulator.tenant.defaultApp.clientId,
    client_secret: emulator.tenant.defaultApp.secret,
    scope: `${emulator.origin}/.default`,
    ...overrides,
  };
}

describe('token endpoint', () => {
  it('issues a bearer token by tenant GUID and by domain', async () => {
    for (const tenant of [emulator.tenant.id, emulator.tenant.domain]) {
      const answer = await client.token(tenant, form());
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
      });
      expect(typeof answer.json.access_token).toBe('string');
    }
  });

  it('echoes client-request-id and sets request-id', async () => {
    const answer = await client.send('POST', `/${emulator.tenant.id}/oauth2/v2.0/token`, {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'client-request-id': 'abc-123',
      },
      body: new URLSearchParams(form() as Record<string, string>).toString(),
    });
    expect(answer.headers['client-request-id']).toBe('abc-123');
    expect(answer.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  const cases: Array<
    [string, () => [string, Record<string, string | undefined>], number, string, number]
  > = [
    [
      'wrong secret',
      () => [emulator.tenant.id, form({ client_secret: 'nope' })],
      401,
      'invalid_client',
      7000215,
    ],
    [
      'unknown app',
      () => [emulator.tenant.id, form({ client_id: '00000000-0000-4000-8000-000000000001' })],
      400,
      'unauthorized_client',
      700016,
    ],
    [
      'tenant not found',
      () => ['11111111-1111-4111-8111-111111111111', form()],
      400,
      'invalid_request',
      90002,
    ],
    ['unknown domain', () => ['fabrikam.onmicrosoft.com', form()], 400, 'invalid_request', 90002],
    ['malformed tenant', () => ['not_a_tenant!', form()], 400, 'invalid_request', 900023],
  ];
  for (const [name, input, status, error, code] of cases) {
    it(`answers ${name} with ${status} ${error} AADSTS${code}`, async () => {
      const [tenant, fields] = input();
      const answer = await client.token(tenant, fields);
      expect(answer.status).toBe(status);
      expect(answer.json.error).toBe(error);
      expect(answer.json.error_codes).toEqual([code]);
      expect(answer.json.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
      for (const key of ['timestamp', 'trace_id', 'correlation_id'])
        expect(answer.json[key]).toBeTruthy();
    });
  }

  it('answers an expired secret with AADSTS7000222 naming the date', async () => {
    const app = emulator.tenant.addApp({ secretExpiresAt: new Date('2024-01-31T00:00:00Z') });
    const answer = await client.token(
      emulator.tenant.id,
      form({ client_id: app.clientId, client_secret: app.secret }),
    );
    expect(answer.status).toBe(401);
    expect(answer.json.error).toBe('invalid_client');
    expect(answer.json.error_codes).toEqual([7000222]);
    expect(answer.json.error_description).toContain('2024-01-31');
  });

  it('refuses a scope without /.default and a foreign resource', async () => {
    expect(
      (await client.token(emulator.tenant.id, form({ scope: 'User.Read.All' }))).json.error,
    ).toBe('invalid_scope');
    expect(
      (await client.token(emulator.tenant.id, form({ scope: 'https://vault.azure.net/.default' })))
        .json.error,
    ).toBe('invalid_resource');
  });

  it('serves openid metadata pointing back at the emulator, and 90002 for unknown tenants', async () => {
    const answer = await client.send(
      'GET',
      `/${emulator.tenant.domain}/v2.0/.well-known/openid-configuration`,
    );
    expect(answer.status).toBe(200);
    expect(answer.json.token_endpoint).toBe(
      `${emulator.origin}/${emulator.tenant.id}/oauth2/v2.0/token`,
    );
    for (const key of ['authorization_endpoint', 'issuer', 'jwks_uri']) {
      expect(String(answer.json[key])).toMatch(new RegExp(`^${emulator.origin}/`));
    }
    const unknown = await client.send(
      'GET',
      '/nowhere.onmicrosoft.com/v2.0/.well-known/openid-configuration',
    );
    expect(unknown.status).toBe(400);
    expect(unknown.json.error_codes).toEqual([90002]);
  });

  it('works with msal-node configured with knownAuthorities and the CA', async () => {
    const host = new URL(emulator.origin).host;
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: emulator.tenant.defaultApp.clientId,
        clientSecret: emulator.tenant.defaultApp.secret,
        authority: `${emulator.origin}/${emulator.tenant.domain}`,
        knownAuthorities: [host],
      },
      system: { customAgentOptions: { ca: emulator.caCertPem } },
    });
    const result = await app.acquireTokenByClientCredential({
      scopes: [`${emulator.origin}/.default`],
    });
    expect(result?.accessToken).toMatch(/^emu\./);
    const users = await client.graph('/v1.0/users?$top=1', result?.accessToken ?? '');
    expect(users.status).toBe(200);

    const wrong = new ConfidentialClientApplication({
      auth: {
        clientId: emulator.tenant.defaultApp.clientId,
        clientSecret: 'wrong',
        authority: `${emulator.origin}/${emulator.tenant.id}`,
        knownAuthorities: [host],
      },
      system: { customAgentOptions: { ca: emulator.caCertPem } },
    });
    await expect(
      wrong.acquireTokenByClientCredential({ scopes: [`${emulator.origin}/.default`] }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorNo: 7000215,
    });
  });
});
