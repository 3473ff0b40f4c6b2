import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type FaultKind } from '../emulator/index.ts';
import { GraphError } from './errors.ts';
import {
  deltaRound,
  emulatorClient,
  eventSink,
  listIds,
  tenantIds,
} from './testing/emulator-client.ts';

let emu: Emulator;
let expected: string[];

beforeAll(async () => {
  emu = await startEmulator({ users: 2500, seed: 21 });
  expected = tenantIds(emu.tenant);
});
afterEach(() => emu.faults.clear());
afterAll(async () => {
  await emu.close();
});

describe('faults on Graph are survived with the same users returned', () => {
  const kinds: FaultKind[] = ['429', '503', '504', 'reset', 'truncated'];
  for (const kind of kinds) {
    it(`${kind} on the second /users page`, async () => {
      const sink = eventSink();
      emu.faults.script({
        kind,
        path: '/v1.0/users',
        nth: 2,
        ...(kind === '429' ? { retryAfter: 0.05 } : {}),
      });
      const { ids } = await listIds(
        emulatorClient(emu, emu.tenant, emu.tenant.defaultApp, { onEvent: sink.onEvent }),
      );
      expect(emu.faults.injected).toBeGreaterThan(0);
      expect([...ids].sort()).toEqual(expected);
      const retries = sink.events.filter((e) => e.type === 'retry' || e.type === 'throttled');
      expect(retries).toHaveLength(1);
    });
  }

  it('429 with a fractional Retry-After waits exactly that long', async () => {
    const sink = eventSink();
    emu.faults.script({ kind: '429', path: '/v1.0/users', nth: 1, retryAfter: 0.123 });
    const started = Date.now();
    const { ids } = await listIds(
      emulatorClient(emu, emu.tenant, emu.tenant.defaultApp, { onEvent: sink.onEvent }),
    );
    expect(ids).toHaveLength(2500);
    expect(sink.events).toContainEqual({
      type: 'throttled',
      target: 'graph',
      status: 429,
      waitMs: 123,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
  });

  it('a stalled answer times out and is retried', async () => {
    emu.faults.script({ kind: 'stall', path: '/v1.0/users', nth: 2, stallMs: 10_000 });
    const started = Date.now();
    const { ids } = await listIds(
      emulatorClient(emu, emu.tenant, emu.tenant.defaultApp, { timeoutMs: 1000 }),
    );
    expect([...ids].sort()).toEqual(expected);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('faults in the middle of a delta round', async () => {
    emu.faults.script({ kind: '503', path: '/v1.0/users/delta', nth: 3, retryAfter: 0.02 });
    emu.faults.script({ kind: 'truncated', path: '/v1.0/users/delta', nth: 5 });
    emu.faults.script({ kind: 'reset', path: '/v1.0/users/delta', nth: 8 });
    const round = await deltaRound(emulatorClient(emu), { initial: true }, true);
    expect(emu.faults.injected).toBeGreaterThanOrEqual(3);
    expect([...new Set(round.ids)].sort()).toEqual(expected);
  });

  it('random faults at 20 % still read every user', async () => {
    emu.faults.setRate(0.2, 3, { retryAfter: 0.01 });
    const { ids } = await listIds(
      emulatorClient(emu, emu.tenant, emu.tenant.defaultApp, { maxAttempts: 10 }),
    );
    const round = await deltaRound(
      emulatorClient(emu, emu.tenant, emu.tenant.defaultApp, { maxAttempts: 10 }),
      {
        initial: true,
      },
    );
    expect([...ids].sort()).toEqual(expected);
    expect([...new Set(round.ids)].sort()).toEqual(expected);
  });

  it('faults on the token endpoint are retried below msal', async () => {
    const app = emu.tenant.addApp();
    emu.faults.script({ kind: '503', path: '*/oauth2/v2.0/token', retryAfter: 0.02 });
    emu.faults.script({ kind: 'reset', path: '*/oauth2/v2.0/token' });
    const sink = eventSink();
    const { ids } = await listIds(emulatorClient(emu, emu.tenant, app, { onEvent: sink.onEvent }));
    expect(ids).toHaveLength(2500);
    expect(sink.events.filter((e) => e.target === 'token' && e.type !== 'request')).toHaveLength(2);
  });
});

describe('when retries run out', () => {
  it('persistent 429 → throttled, naming the attempts', async () => {
    emu.faults.script({ kind: '429', path: '/v1.0/users', times: 10, retryAfter: 0.01 });
    const err = await listIds(
      emulatorClient(emu, emu.tenant, emu.tenant.defaultApp, { maxAttempts: 3 }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBe('throttled');
    expect((err as GraphError).httpStatus).toBe(429);
    expect((err as GraphError).message).toContain('after 3 attempts');
    expect((err as GraphError).requestId).toBeTruthy();
  });

  it('persistent resets → network_unreachable naming the host', async () => {
    emu.faults.script({ kind: 'reset', path: '/v1.0/users', times: 10 });
    const err = await listIds(
      emulatorClient(emu, emu.tenant, emu.tenant.defaultApp, { maxAttempts: 3 }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBe('network_unreachable');
    expect((err as GraphError).message).toContain(new URL(emu.origin).host);
  });

  it('persistent truncation → graph_error saying the answers were incomplete', async () => {
    emu.faults.script({ kind: 'truncated', path: '/v1.0/users', times: 10 });
    const err = await listIds(
      emulatorClient(emu, emu.tenant, emu.tenant.defaultApp, { maxAttempts: 2 }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBe('graph_error');
    expect((err as GraphError).message).toMatch(/incomplete|unreadable/);
  });
});
