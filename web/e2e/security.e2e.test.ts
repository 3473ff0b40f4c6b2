/**
 * The panel under its security headers in a real browser: the Content-Security-Policy
 * blocks nothing the built panel does (no inline script, no inline style attribute), and a
 * page of another origin on the same site (what a sibling subdomain is) cannot make the
 * signed-in browser change anything, even though SameSite=Lax sends it the cookie.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, startPanel, type PanelHarness } from './harness.ts';

describe.skipIf(!chromiumAvailable())('panel security in a browser', () => {
  let h: PanelHarness;
  let attacker: Server;
  let attackerOrigin = '';
  const violations: string[] = [];

  beforeAll(async () => {
    h = await startPanel({ emulatorUsers: 20, units: ['Sales'], userTypes: ['Employee'] });
    // Every CSP violation the page reports, and Chromium's console errors about CSP.
    await h.page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    h.page.on('console', (m) => {
      if (m.type() === 'error' && /Content.Security.Policy|CSP violation/i.test(m.text())) {
        violations.push(m.text());
      }
    });
    // The attacker's page: same site (127.0.0.1), another port = another origin.
    const panel = h.base;
    // The classic JSON-over-text/plain form: the body reads {"name":"Planted","x":"="}.
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html>
        <form method="post" action="${panel}/api/v1/units" enctype="text/plain">
          <input type="hidden" name='{"name":"Planted by a form","x":"' value='"}'>
          <button type="submit">Win a prize</button>
        </form>`);
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    const address = attacker.address();
    attackerOrigin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    attacker.closeAllConnections();
    await new Promise((r) => attacker.close(r));
    await h.close();
  });

  it('loads, signs in and works under the CSP with no violation', async () => {
    const { page, base, env } = h;
    const response = await page.goto(`${base}/units`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response?.headers()['x-content-type-options']).toBe('nosniff');
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    await page.getByLabel('Email').fill(env.adminEmail);
    await page.getByLabel('Password').fill(env.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The units page: a tree indented with React style props (CSSOM, allowed by the CSP).
    await page.getByTestId('unit-row').first().waitFor();
    // A state change from the panel itself passes the CSRF check.
    const created = await page.evaluate(async () => {
      const res = await fetch('/api/v1/units', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Made by the panel' }),
      });
      return res.status;
    });
    expect(created).toBe(201);
    for (const path of ['/users', '/integrations', '/user-types']) {
      await page.goto(`${base}${path}`);
      await page.locator('main').waitFor();
    }
    expect(violations).toEqual([]);
  });

  it('ignores state changes a page of another origin sends with the cookie', async () => {
    const { page, env } = h;
    await page.goto(attackerOrigin);
    await Promise.all([
      page.waitForURL(/\/api\/v1\/units$/),
      page.getByText('Win a prize').click(),
    ]);
    // The browser sent the cookie (same site) but the panel refused the foreign origin.
    expect(await page.locator('body').textContent()).toContain('csrf_refused');
    const names = await env.db.db.selectFrom('units').select('name').execute();
    expect(names.map((n) => n.name)).not.toContain('Planted by a form');
    expect(names.map((n) => n.name)).toContain('Made by the panel');
  });
});
