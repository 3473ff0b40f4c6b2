import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KNOWN_CONFLICTS } from '../../src/http/openapi-defaults.ts';
import { registeredRoutes } from '../../src/http/route-catalog.ts';
import { registerRunRoutes } from '../../src/http/routes/runs.ts';
import { createLogger } from '../../src/log.ts';
import { createSyncService } from '../../src/sync/service.ts';
import { createTestApp, type TestApp } from '../helpers/api.ts';
import { describeEachDialect } from '../helpers/databases.ts';

type Operation = { operationId?: string; summary?: string; tags?: string[]; responses: object };
type OpenApi = { servers?: unknown[]; paths: Record<string, Record<string, Operation>> };

const root = resolve(import.meta.dirname, '../..');

/**
 * The OpenAPI document as client generators see it (issue 15): `redocly lint` with the
 * committed redocly.yaml (recommended rules) finds nothing, offline, with the locally
 * installed CLI. The dialect does not change the document; SQLite alone would do, but the
 * suite follows the house pattern.
 */
describeEachDialect('OpenAPI document', (dialect) => {
  let t: TestApp;
  let doc: OpenApi;
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp(dialect, {
      extraRoutes: [
        (app, ctx) =>
          registerRunRoutes(
            app,
            ctx,
            createSyncService({
              db: ctx.db,
              log: createLogger('silent'),
              clock: ctx.clock,
              secretBox: ctx.secretBox,
              retentionDays: 90,
            }),
          ),
      ],
    });
    doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApi;
    dir = mkdtempSync(join(tmpdir(), 'aus-openapi-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('passes redocly lint (recommended rules) with no error and no warning', () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const result = spawnSync(
      join(root, 'node_modules/.bin/redocly'),
      ['lint', file, '--config', join(root, 'redocly.yaml'), '--format', 'json'],
      {
        cwd: root,
        encoding: 'utf8',
        // Offline and quiet: no telemetry, no update check.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        timeout: 60_000,
      },
    );
    const report = JSON.parse(result.stdout) as {
      totals: { errors: number; warnings: number };
      problems: Array<{ ruleId: string; message: string; location?: Array<{ pointer?: string }> }>;
    };
    const problems = report.problems.map(
      (p) => `${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer ?? '?'}`,
    );
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('gives every operation a unique operationId, a summary, tags and its 4xx answers', () => {
    expect(doc.servers?.length).toBeGreaterThan(0);
    const ids = new Set<string>();
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.operationId, where).toBeTruthy();
        expect(ids.has(op.operationId ?? ''), `${where}: duplicate operationId`).toBe(false);
        ids.add(op.operationId ?? '');
        expect(op.summary, where).toBeTruthy();
        expect(op.tags?.length, where).toBeGreaterThan(0);
        const codes = Object.keys(op.responses);
        if (path.startsWith('/api/v1/') && path !== '/api/v1/auth/login') {
          expect(codes, where).toContain('401');
        }
        if (path.includes('{')) expect(codes, where).toContain('404');
      }
    }
  });

  it('lists 409 only for routes that exist', () => {
    const routes = new Set(registeredRoutes(t.app).map((r) => `${r.method} ${r.url}`));
    expect(Object.keys(KNOWN_CONFLICTS).filter((k) => !routes.has(k))).toEqual([]);
  });
});
