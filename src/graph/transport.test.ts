import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { TransportError } from './transport-error.ts';
import { createHttpSend, getDispatcher } from './transport.ts';

let emu: Emulator;
const unrelatedCa = rootCertificates[0]!;

beforeAll(async () => {
  emu = await startEmulator({ users: 1 });
});
afterAll(async () => {
  await emu.close();
});

async function sendTo(dispatcherCa: string[], file: string | undefined, timeoutMs = 5000) {
  const send = createHttpSend(getDispatcher(dispatcherCa, file));
  return send({ method: 'GET', url: `${emu.origin}/v1.0/users`, timeoutMs });
}

describe('transport', () => {
  it('trusts the given CA and never an unknown one', async () => {
    expect((await sendTo([emu.caCertPem], undefined)).status).toBe(401);
    const err = await sendTo([unrelatedCa], undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).kind).toBe('tls');
  });

  it('keeps honouring NODE_EXTRA_CA_CERTS when extra CAs replace the default store', async () => {
    const res = await sendTo([unrelatedCa], emu.caCertFile);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/json/);
  });

  it('gives up on a stalled answer after the timeout', async () => {
    emu.faults.script({ kind: 'stall', path: '/v1.0/users', stallMs: 10_000 });
    const started = Date.now();
    const err = await sendTo([emu.caCertPem], undefined, 300).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('cancels on request', async () => {
    emu.faults.script({ kind: 'stall', path: '/v1.0/users', stallMs: 10_000 });
    const send = createHttpSend(getDispatcher([emu.caCertPem]));
    const controller = new AbortController();
    const pending = send({
      method: 'GET',
      url: `${emu.origin}/v1.0/users`,
      timeoutMs: 5000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
  });
});
