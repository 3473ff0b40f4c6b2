import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkPublicHandshake } from './public-check.ts';

describe('checkPublicHandshake (Test connection, near-real-time step)', () => {
  it('names PUBLIC_URL when there is no public https URL', async () => {
    const step = await checkPublicHandshake(undefined);
    expect(step).toMatchObject({ name: 'notifications', ok: false });
    expect(step.message).toContain('PUBLIC_URL');
  });

  it('names the fix when the URL cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const step = await checkPublicHandshake(new URL(`http://127.0.0.1:${port}`));
    expect(step.ok).toBe(false);
    expect(step.message).toContain('could not be reached');
    expect(step.message).toContain('/api/hooks/graph/');
  });

  it('fails when something else answers (a proxy page) and passes when the token is echoed', async () => {
    let echo = false;
    const server = createServer((req, res) => {
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(echo ? token : '<html>proxy</html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sync/`);
    try {
      const wrong = await checkPublicHandshake(base);
      expect(wrong.ok).toBe(false);
      expect(wrong.message).toContain('instead of echoing');
      echo = true;
      const right = await checkPublicHandshake(base);
      expect(right.ok).toBe(true);
      expect(right.message).toContain('/sync/api/hooks/graph/notifications');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
