import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import { isMicrosoftLoginHost } from './clouds.ts';
import { GraphError } from './errors.ts';
import { createMsalNetworkModule, type MsalNetworkDeps } from './msal-network.ts';
import { translateTokenError } from './translate-token-error.ts';

/** Hands out bearer tokens for Graph. */
export interface TokenProvider {
  /** A valid access token; `forceRefresh` skips msal's cache (after Graph refused one). */
  getToken(options?: { forceRefresh?: boolean }): Promise<string>;
}

/** Who signs in where. */
export interface TokenProviderOptions {
  /** e.g. `https://login.microsoftonline.com` or the emulator origin. */
  authorityHost: string;
  tenantId: string;
  clientId: string;
  secret: string;
  scope: string;
  /** Transport of this client: msal's network calls go through it. */
  network: MsalNetworkDeps;
  /** Distinguishes CA sets sharing the same credentials. */
  transportKey: string;
}

const MAX_APPS = 500;
/** msal apps by a hash of (authority, client id, secret, transport); never the secret itself. */
const apps = new Map<string, ConfidentialClientApplication>();
/**
 * msal keeps one network module per app, but apps are shared between clients: the module
 * reads the calling client's transport (events, sleep, timeout) from this context.
 */
const currentNetwork = new AsyncLocalStorage<MsalNetworkDeps>();

/**
 * A token provider for client credentials. The msal app behind it (and so its in-memory
 * token cache, renewed 5 minutes before expiry) is shared by every client with the same
 * authority, application, secret and transport.
 */
export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const app = appFor(options);
  const ctx = { authorityHost: options.authorityHost, tenantId: options.tenantId };
  async function acquire(forceRefresh: boolean): Promise<string> {
    let result;
    try {
      result = await currentNetwork.run(options.network, () =>
        app.acquireTokenByClientCredential({ scopes: [options.scope], skipCache: forceRefresh }),
      );
    } catch (err) {
      throw translateTokenError(err, ctx);
    }
    if (!result?.accessToken) {
      throw new GraphError('graph_error', 'The Microsoft sign-in service returned no access token');
    }
    return result.accessToken;
  }
  // Requests sent at once before a token is cached (a full run's delta link and user count,
  // its parallel partitions) share one acquisition instead of each asking for a token.
  let pending: Promise<string> | undefined;
  return {
    getToken({ forceRefresh = false } = {}) {
      if (forceRefresh) return acquire(true);
      pending ??= acquire(false).finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}

function appFor(options: TokenProviderOptions): ConfidentialClientApplication {
  const authority = `${options.authorityHost}/${encodeURIComponent(options.tenantId)}`;
  const key = createHash('sha256')
    .update([authority, options.clientId, options.secret, options.transportKey].join('\0'))
    .digest('hex');
  const cached = apps.get(key);
  if (cached) {
    // Refresh the entry's place so the least recently used app is evicted first.
    apps.delete(key);
    apps.set(key, cached);
    return cached;
  }
  const fallback = options.network;
  const networkClient = createMsalNetworkModule({
    get send() {
      return (currentNetwork.getStore() ?? fallback).send;
    },
    get timeoutMs() {
      return (currentNetwork.getStore() ?? fallback).timeoutMs;
    },
    get retry() {
      return (currentNetwork.getStore() ?? fallback).retry;
    },
    get onEvent() {
      return (currentNetwork.getStore() ?? fallback).onEvent;
    },
  });
  const host = new URL(options.authorityHost).host;
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      clientSecret: options.secret,
      authority,
      // A host msal does not know (emulator, sovereign proxy) must be declared trusted;
      // the metadata saves the discovery round trip and lets tenant errors come from the
      // token endpoint, which names them with an AADSTS code.
      ...(isMicrosoftLoginHost(host) ? {} : { knownAuthorities: [host] }),
      authorityMetadata: JSON.stringify(openIdMetadata(authority)),
    },
    system: {
      networkClient,
      loggerOptions: {
        logLevel: LogLevel.Error,
        piiLoggingEnabled: false,
        loggerCallback: () => {},
      },
    },
  });
  apps.set(key, app);
  if (apps.size > MAX_APPS) {
    const oldest = apps.keys().next().value;
    if (oldest !== undefined) apps.delete(oldest);
  }
  return app;
}

/** The OpenID configuration every Entra authority serves, built instead of fetched. */
function openIdMetadata(authority: string): Record<string, string> {
  return {
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    issuer: `${authority}/v2.0`,
    jwks_uri: `${authority}/discovery/v2.0/keys`,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
  };
}
