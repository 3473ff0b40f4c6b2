import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { emulatorClient, listIds } from './testing/emulator-client.ts';

/** A minimal HTTPS forward proxy (CONNECT tunnels only) that records what it tunnelled. */
function startProxy(): Promise<{ server: Server; url: string; tunnels: string[] }> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    tunnels.push(target);
    const [host, port] = target.split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, tunnels });
    }),
  );
}

let emu: Emulator;
let proxy: Awaited<ReturnType<typeof startProxy>>;
const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };

beforeAll(async () => {
  emu = await startEmulator({ users: 1200, seed: 51 });
  proxy = await startProxy();
});
afterAll(async () => {
  process.env.HTTPS_PROXY = saved.HTTPS_PROXY ?? '';
  process.env.NO_PROXY = saved.NO_PROXY ?? '';
  if (saved.HTTPS_PROXY === undefined) delete process.env.HTTPS_PROXY;
  if (saved.NO_PROXY === undefined) delete process.env.NO_PROXY;
  proxy.server.closeAllConnections();
  await new Promise<void>((r) => proxy.server.close(() => r()));
  await emu.close();
});

describe('HTTPS_PROXY', () => {
  it('sends token and Graph requests through the proxy, still verifying the certificate', async () => {
    process.env.HTTPS_PROXY = proxy.url;
    delete process.env.NO_PROXY;
    // A CA set no earlier test used, so a fresh agent is built that sees HTTPS_PROXY.
    const client = emulatorClient(emu, emu.tenant, emu.tenant.defaultApp, {
      extraCaPem: [emu.caCertPem, rootCertificates[1]!],
    });
    const { ids } = await listIds(client);
    expect(ids).toHaveLength(1200);
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([new URL(emu.origin).host]));

    const untrusted = emulatorClient(emu, emu.tenant, emu.tenant.defaultApp, {
      extraCaPem: [rootCertificates[2]!],
    });
    await expect(listIds(untrusted)).rejects.toMatchObject({ code: 'tls_untrusted' });
  });
});
