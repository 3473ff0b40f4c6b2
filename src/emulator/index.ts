import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AccessTokens } from './access-tokens.ts';
import { createCertificates } from './certificates.ts';
import { createControlHandler } from './control-routes.ts';
import { FaultInjector } from './faults.ts';
import { NotificationDelivery, type LifecycleEvent } from './notification-delivery.ts';
import { SubscriptionStore } from './subscription-store.ts';
import { RequestLog } from './request-log.ts';
import { createRequestHandler } from './router.ts';
import { TokenSigner } from './signed-token.ts';
import type { EmulatorState } from './state.ts';
import { TenantRegistry } from './tenant-registry.ts';
import type { Emulator, EmulatorOptions } from './types.ts';

export type * from './types.ts';
export { GENERATOR_RATES, generateUsers, mailSafe } from './generate.ts';
export * from './vocabulary.ts';

/**
 * Starts a local fake Entra tenant speaking the token endpoint and Graph's /users and
 * /users/delta over HTTPS (a fresh CA per instance) or plain HTTP. The returned origin is
 * both the authority host and the Graph endpoint.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const useHttps = options.https ?? true;
  const seed = options.seed ?? 1;
  const certificates = useHttps ? await createCertificates() : null;
  let clockOffset = 0;
  const now = (): number => Date.now() + clockOffset;
  const subscriptions = new SubscriptionStore(now);
  const delivery = new NotificationDelivery();
  // Every user change of a tenant fans out to the subscriptions of that tenant.
  const tenants = new TenantRegistry(seed, (tenant) => {
    tenant.onUserChange = (userId, changeType) => {
      for (const sub of subscriptions.list(tenant.id)) {
        if (sub.changeType.split(',').includes(changeType))
          delivery.notify(sub, changeType, userId);
      }
    };
  });
  const faults = new FaultInjector();
  if (options.faultRate) faults.setRate(options.faultRate, seed);
  const log = new RequestLog(options.requestLogSize ?? 10_000);
  const stalls = new Set<NodeJS.Timeout>();
  const state: EmulatorState = {
    origin: '',
    tenants,
    tokens: new AccessTokens(),
    signer: new TokenSigner(randomBytes(32)),
    deltaPageSize: options.deltaPageSize ?? 200,
    subscriptions,
    delivery,
    allowHttpNotificationUrls: options.allowHttpNotificationUrls ?? false,
    now,
  };
  const lifecycle = async (id: string, event: LifecycleEvent): Promise<boolean> => {
    const sub = subscriptions.get(id);
    if (!sub) return false;
    if (event === 'subscriptionRemoved') subscriptions.delete(id);
    if (event === 'reauthorizationRequired') sub.needsReauthorization = true;
    await delivery.lifecycle(sub, event);
    return true;
  };
  const handler = createRequestHandler({
    state,
    faults,
    log,
    latencyMs: options.latencyMs ?? 0,
    stalls,
    control: createControlHandler({
      state,
      faults,
      log,
      advanceTime: (ms) => (clockOffset += ms),
      lifecycle,
    }),
  });
  const server: Server = certificates
    ? createHttpsServer(
        { key: certificates.serverKeyPem, cert: certificates.serverCertPem },
        handler,
      )
    : createHttpServer(handler);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  state.origin = `${useHttps ? 'https' : 'http'}://${host}:${port}`;

  const tenant = tenants.create({});
  if (options.users) tenant.generate(options.users, seed);

  return {
    origin: state.origin,
    caCertPem: certificates?.caCertPem ?? '',
    caCertFile: certificates?.caCertFile ?? '',
    tenant,
    createTenant: (opts) => tenants.create(opts),
    findTenant: (key) => tenants.find(key),
    faults,
    get requestLog() {
      return log.entries;
    },
    advanceTime(ms: number) {
      clockOffset += ms;
    },
    subscriptions: {
      list: () => subscriptions.list().map((s) => ({ ...s })),
      lifecycle,
      get stats() {
        return { ...delivery.stats };
      },
      setDeliveryEnabled(enabled: boolean) {
        delivery.enabled = enabled;
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of stalls) clearTimeout(timer);
        delivery.close();
        stalls.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
