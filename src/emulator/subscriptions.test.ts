import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from './index.ts';
import { TestClient } from './test-client.ts';
import type { Emulator } from './types.ts';

/** A notification endpoint over real HTTP that records what Graph (the emulator) posts. */
class Receiver {
  readonly posts: { path: string; body: unknown }[] = [];
  /** How to answer validation handshakes: echo (correct), or a mistake. */
  validation: 'echo' | 'json' | 'wrong' | 'silent' | 'error' = 'echo';
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const token = url.searchParams.get('validationToken');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (token !== null) {
      if (this.validation === 'silent') return; // never answers
      if (this.validation === 'error') return void res.writeHead(500).end();
      if (this.validation === 'json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify(token));
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(this.validation === 'wrong' ? 'nope' : token);
    }
    this.posts.push({ path: url.pathname, body: JSON.parse(Buffer.concat(chunks).toString()) });
    res.writeHead(202).end();
  }

  notifications(path = '/notify'): Record<string, unknown>[] {
    return this.posts
      .filter((p) => p.path === path)
      .flatMap((p) => (p.body as { value: Record<string, unknown>[] }).value);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('emulator subscriptions (POST/GET/PATCH/DELETE /v1.0/subscriptions over HTTPS)', () => {
  let emulator: Emulator;
  let client: TestClient;
  let token: string;
  const receiver = new Receiver();

  beforeAll(async () => {
    emulator = await startEmulator({ users: 3, allowHttpNotificationUrls: true });
    client = new TestClient(emulator);
    token = await client.accessToken();
    await receiver.start();
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
    await receiver.close();
  });
  afterEach(() => {
    receiver.validation = 'echo';
    receiver.posts.length = 0;
  });

  const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
  const post = (body: unknown, auth = token) =>
    client.send('POST', '/v1.0/subscriptions', {
      headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const valid = () => ({
    changeType: 'updated,deleted',
    notificationUrl: `${receiver.url}/notify`,
    lifecycleNotificationUrl: `${receiver.url}/lifecycle`,
    resource: 'users',
    expirationDateTime: inDays(28),
    clientState: 'the-client-state',
  });

  it('creates a subscription after the validation handshake, then lists, reads, renews and deletes it', async () => {
    const created = await post(valid());
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.json).toMatchObject({ resource: 'users', changeType: 'updated,deleted' });

    const list = await client.graph('/v1.0/subscriptions', token);
    expect((list.json.value as { id: string }[]).map((s) => s.id)).toContain(id);
    expect((await client.graph(`/v1.0/subscriptions/${id}`, token)).status).toBe(200);

    const renewed = await client.send('PATCH', `/v1.0/subscriptions/${id}`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ expirationDateTime: inDays(29) }),
    });
    expect(renewed.status).toBe(200);
    expect(Date.parse(renewed.json.expirationDateTime as string)).toBeGreaterThan(
      Date.parse(created.json.expirationDateTime as string),
    );
    const tooLong = await client.send('PATCH', `/v1.0/subscriptions/${id}`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ expirationDateTime: inDays(30) }),
    });
    expect(tooLong.status).toBe(400);

    const gone = await client.send('DELETE', `/v1.0/subscriptions/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(gone.status).toBe(204);
    expect((await client.graph(`/v1.0/subscriptions/${id}`, token)).status).toBe(404);
  });

  it("refuses what Graph refuses: other resources, change types users don't support, >41,760 minutes, http elsewhere", async () => {
    expect((await post({ ...valid(), resource: 'groups' })).status).toBe(400);
    const created = await post({ ...valid(), changeType: 'created' });
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.json)).toContain('created');
    expect((await post({ ...valid(), expirationDateTime: inDays(29.1) })).status).toBe(400);
    expect((await post({ ...valid(), expirationDateTime: inDays(-1) })).status).toBe(400);
    expect((await post({ ...valid(), notificationUrl: 'http://example.com/hook' })).status).toBe(
      400,
    );
    expect((await post({ ...valid(), clientState: 'x'.repeat(129) })).status).toBe(400);
    expect((await post({ ...valid(), notificationUrl: undefined })).status).toBe(400);
    expect((await post(valid(), 'not-a-token')).status).toBe(401);
    expect(emulator.subscriptions.list()).toHaveLength(0);
  });

  it('answers 400 to the creator when an endpoint fails the handshake (wrong echo, JSON, 500)', async () => {
    for (const mode of ['wrong', 'json', 'error'] as const) {
      receiver.validation = mode;
      const res = await post(valid());
      expect(res.status, mode).toBe(400);
      expect(JSON.stringify(res.json)).toContain('validation request failed');
    }
    expect(emulator.subscriptions.list()).toHaveLength(0);
  });

  it('an emulator without the test switch refuses http notification URLs even on loopback', async () => {
    const strict = await startEmulator({});
    const c = new TestClient(strict);
    try {
      const res = await c.send('POST', '/v1.0/subscriptions', {
        headers: {
          authorization: `Bearer ${await c.accessToken()}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(valid()),
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.json)).toContain('HTTPS');
    } finally {
      await c.close();
      await strict.close();
    }
  });

  it('posts change notifications with clientState for user changes made through the tenant', async () => {
    const id = (await post(valid())).json.id as string;
    const user = emulator.tenant.addUser({ givenName: 'Ada', surname: 'Lovelace' });
    emulator.tenant.updateUser(user.id, { department: 'Sales' });
    emulator.tenant.hardDeleteUser(user.id);
    await until(() => receiver.notifications().length >= 3);
    const items = receiver.notifications();
    expect(items.map((n) => n.changeType)).toEqual(['updated', 'updated', 'deleted']);
    expect(items[0]).toMatchObject({
      subscriptionId: id,
      clientState: 'the-client-state',
      resource: `Users/${user.id}`,
      tenantId: emulator.tenant.id,
      resourceData: { id: user.id },
    });
    expect(typeof items[0]?.subscriptionExpirationDateTime).toBe('string');
    await client.send('DELETE', `/v1.0/subscriptions/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
  });

  it('sends lifecycle events from the control API; removal deletes, reauthorization holds notifications until renewed', async () => {
    const id = (await post(valid())).json.id as string;
    const control = (path: string, body: unknown) =>
      client.send('POST', `/_emulator/subscriptions/${id}/${path}`, {
        body: JSON.stringify(body),
      });
    expect((await control('lifecycle', { event: 'missed' })).status).toBe(200);
    expect((await control('lifecycle', { event: 'reauthorizationRequired' })).status).toBe(200);
    const events = () => receiver.notifications('/lifecycle').map((n) => n.lifecycleEvent);
    expect(events()).toEqual(['missed', 'reauthorizationRequired']);
    expect(receiver.notifications('/lifecycle')[0]).toMatchObject({
      subscriptionId: id,
      clientState: 'the-client-state',
    });

    const u = emulator.tenant.addUser({ givenName: 'Held', surname: 'Back' });
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.notifications()).toHaveLength(0);
    const reauth = await client.send('POST', `/v1.0/subscriptions/${id}/reauthorize`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(reauth.status).toBe(204);
    emulator.tenant.updateUser(u.id, { city: 'Oslo' });
    await until(() => receiver.notifications().length === 1);

    expect((await control('lifecycle', { event: 'subscriptionRemoved' })).status).toBe(200);
    expect(events()).toContain('subscriptionRemoved');
    expect((await client.graph(`/v1.0/subscriptions/${id}`, token)).status).toBe(404);
    expect((await control('lifecycle', { event: 'missed' })).status).toBe(404);
  });

  it('honours expiry: after the emulator clock passes expirationDateTime the subscription is gone', async () => {
    const id = (await post({ ...valid(), expirationDateTime: inDays(1) })).json.id as string;
    emulator.advanceTime(86_400_000 + 1000);
    try {
      expect(
        (await client.graph(`/v1.0/subscriptions/${id}`, await client.accessToken())).status,
      ).toBe(404);
      emulator.tenant.addUser({ givenName: 'After', surname: 'Expiry' });
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.notifications()).toHaveLength(0);
    } finally {
      emulator.advanceTime(-(86_400_000 + 1000));
    }
  });

  it('drops notifications while delivery is switched off through the control API', async () => {
    await post(valid());
    const off = await client.send('PUT', '/_emulator/subscriptions/delivery', {
      body: JSON.stringify({ enabled: false }),
    });
    expect(off.status).toBe(200);
    const before = emulator.subscriptions.stats.dropped;
    emulator.tenant.addUser({ givenName: 'Lost', surname: 'Change' });
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.notifications()).toHaveLength(0);
    expect(emulator.subscriptions.stats.dropped).toBe(before + 1);
    emulator.subscriptions.setDeliveryEnabled(true);
    const listed = await client.send('GET', '/_emulator/subscriptions');
    expect(JSON.stringify(listed.json)).not.toContain('the-client-state');
  });
});
