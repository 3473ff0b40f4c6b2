import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isServerPath, registerPanel } from './panel.ts';

const INDEX = '<!doctype html><title>panel</title><div id="root"></div>';

/** A real server on 127.0.0.1:0 with the panel plus a stand-in API route and JSON 404s. */
async function startServer(distDir: string): Promise<{ app: FastifyInstance; base: string }> {
  const app = Fastify();
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: 'Route not found' } }),
  );
  app.get('/api/v1/ping', async () => ({ pong: true }));
  app.get('/healthz', async () => ({ ok: true }));
  await registerPanel(app, { distDir });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base: address };
}

describe('registerPanel with a built panel', () => {
  let dir: string;
  let server: { app: FastifyInstance; base: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'panel-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("panel")');
    server = await startServer(dir);
  });

  afterAll(async () => {
    await server.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at /', async () => {
    const response = await fetch(`${server.base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toBe(INDEX);
  });

  it('serves hashed assets with a long cache lifetime', async () => {
    const response = await fetch(`${server.base}/assets/index-abc123.js`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('console.log("panel")');
    expect(response.headers.get('cache-control')).toContain('immutable');
  });

  it('falls back to index.html for client-side routes, with or without a query', async () => {
    for (const path of ['/users/42', '/integrations/new', '/runs/abc?already=1', '/sign-in']) {
      const response = await fetch(`${server.base}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toBe(INDEX);
      expect(response.headers.get('cache-control'), path).toBe('no-cache');
    }
  });

  it('leaves API, health and metrics paths to the server (JSON 404, never the page)', async () => {
    for (const path of ['/api/v1/nope', '/api', '/metrics', '/healthz/deep']) {
      const response = await fetch(`${server.base}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json(), path).toEqual({
        error: { code: 'not_found', message: 'Route not found' },
      });
    }
    expect(await (await fetch(`${server.base}/api/v1/ping`)).json()).toEqual({ pong: true });
    expect(await (await fetch(`${server.base}/healthz`)).json()).toEqual({ ok: true });
  });

  it('answers 404 for a missing asset instead of HTML', async () => {
    const response = await fetch(`${server.base}/assets/missing-123.js`);
    expect(response.status).toBe(404);
  });

  it('serves assets of a rebuild made after start-up, but nothing outside the build', async () => {
    writeFileSync(join(dir, 'assets', 'index-new456.js'), 'console.log("rebuilt")');
    const response = await fetch(`${server.base}/assets/index-new456.js`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('console.log("rebuilt")');
    const escape = await fetch(`${server.base}/assets/%2e%2e/%2e%2e/etc/passwd.txt`);
    expect(escape.status).toBe(404);
  });
});

describe('registerPanel without a build', () => {
  let dir: string;
  let server: { app: FastifyInstance; base: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'panel-missing-'));
    server = await startServer(join(dir, 'dist'));
  });

  afterAll(async () => {
    await server.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('explains at / how to build the panel', async () => {
    const response = await fetch(`${server.base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('not built');
    expect(html).toContain('npm run build:web');
  });

  it('still leaves API paths alone', async () => {
    const response = await fetch(`${server.base}/api/v1/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('isServerPath', () => {
  it('separates server paths from panel routes', () => {
    expect(isServerPath('/api/v1/users?limit=5')).toBe(true);
    expect(isServerPath('/healthz')).toBe(true);
    expect(isServerPath('/metrics')).toBe(true);
    expect(isServerPath('/apis')).toBe(false);
    expect(isServerPath('/users/api')).toBe(false);
    expect(isServerPath('/')).toBe(false);
  });
});
