import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError, transportToGraphError } from '../../src/graph/transport-error.ts';
import { createHttpSend, getDispatcher, MAX_RESPONSE_BYTES } from '../../src/graph/transport.ts';

/**
 * Answers from Microsoft are read up to 32 MiB. A local server plays a hostile or broken
 * Graph endpoint (the transport is the same for Graph and the token endpoint).
 */
describe('Microsoft answers are capped at 32 MiB', () => {
  let server: Server;
  let origin = '';
  const chunk = Buffer.alloc(1024 * 1024, 0x61);

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/announced') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 40 * 2 ** 20 });
        res.write(chunk);
        return; // never finishes: the client must not wait for the rest
      }
      if (req.url === '/streamed') {
        // No Content-Length: the cap must hold while reading.
        res.writeHead(200, { 'content-type': 'application/json' });
        let sent = 0;
        const more = (): void => {
          while (sent < 40 && res.write(chunk)) sent++;
          if (sent < 40) res.once('drain', more);
          else res.end();
        };
        res.on('close', () => (sent = 40));
        more();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ value: [], pad: 'x'.repeat(1024 * 1024) }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const send = createHttpSend(getDispatcher());
  const get = (path: string) =>
    send({ method: 'GET', url: `${origin}${path}`, timeoutMs: 20_000 }).catch((e: unknown) => e);

  it('refuses an answer announced larger than the cap, at once', async () => {
    const started = Date.now();
    const err = await get('/announced');
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).kind).toBe('oversized');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops reading a streamed answer that grows past the cap, with a clear error', async () => {
    const err = await get('/streamed');
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).kind).toBe('oversized');
    const graph = transportToGraphError(err as TransportError, 1);
    expect(graph.message).toMatch(
      /^127\.0\.0\.1:\d+ sent an answer larger than 32 MiB; refused: a Microsoft answer is never that large/,
    );
    expect(MAX_RESPONSE_BYTES).toBe(32 * 1024 * 1024);
  });

  it('reads ordinary answers whole', async () => {
    const res = await get('/small');
    expect(res).toMatchObject({ status: 200 });
    expect((res as { text: string }).text.length).toBeGreaterThan(1024 * 1024);
  });
});
