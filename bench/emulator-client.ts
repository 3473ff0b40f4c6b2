import { createGraphClient } from '../src/graph/client.ts';
import type { GraphClient } from '../src/graph/types.ts';
import { emulatorFromEnv } from './protocol.ts';

/** The product's Graph client for the emulator the bench parent started (the floors' reader). */
export function emulatorClient(): GraphClient {
  const e = emulatorFromEnv();
  return createGraphClient({
    cloud: 'global',
    tenantId: e.tenantId,
    applicationId: e.clientId,
    secret: e.secret,
    authorityHost: e.origin,
    graphEndpoint: e.origin,
    extraCaPem: [e.caCertPem],
  });
}
