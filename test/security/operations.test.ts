import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { registerMetricsRoute } from '../../src/metrics/route.ts';
import { createTestApp, type TestApp } from '../helpers/api.ts';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('operations endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    const env = { METRICS_TOKEN: TOKEN };
    const { metricsToken } = loadConfig({
      ...env,
      ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
    });
    const metrics = createMetrics({ queuedRuns: async () => 7 });
    t = await createTestApp('sqlite', {
      env,
      rootRoutes: [(app) => registerMetricsRoute(app, metrics, metricsToken)],
      jobsHealth: async () => ({ mode: 'queue', queueReachable: true, queuedRuns: 7 }),
    });
  });
  afterAll(async () => t.close());

  it('/metrics answers only `Authorization: Bearer <METRICS_TOKEN>` when that is set', async () => {
    const get = (authorization?: string) =>
      t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: authorization ? { authorization } : {},
      });
    for (const wrong of [undefined, 'Bearer nope', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const res = await get(wrong);
      expect(res.statusCode, String(wrong)).toBe(401);
      expect(res.body).not.toContain('azure_user_sync');
    }
    const ok = await get(`Bearer ${TOKEN}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toMatch(/^azure_user_sync_queued_runs 7$/m);
  });

  it('/healthz answers status only, never queue counts', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.json()).toEqual({ status: 'ok', database: 'ok', queue: 'ok' });
    expect(res.body).not.toContain('7');
  });

  it('refuses a METRICS_TOKEN too short to be a secret', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});

describe('Microsoft endpoints', () => {
  it('refuses http:// GRAPH_ENDPOINT and AZURE_AUTHORITY_HOST unless ALLOW_INSECURE_GRAPH=1', () => {
    for (const name of ['GRAPH_ENDPOINT', 'AZURE_AUTHORITY_HOST']) {
      expect(() => loadConfig({ [name]: 'http://127.0.0.1:9443' })).toThrow(
        new RegExp(`${name}: must be an https URL`),
      );
      expect(loadConfig({ [name]: 'https://127.0.0.1:9443/' })).toBeDefined();
      const insecure = loadConfig({ [name]: 'http://127.0.0.1:9443', ALLOW_INSECURE_GRAPH: '1' });
      expect(insecure.allowInsecureGraph).toBe(true);
    }
  });
});
