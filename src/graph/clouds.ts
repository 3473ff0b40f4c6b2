import type { GraphCloud } from './types.ts';

/** Login and Graph hosts of one national cloud (GRAPH.md, "National clouds"). */
export interface CloudHosts {
  loginHost: string;
  graphHost: string;
}

/** The national clouds; tokens never cross them. */
export const CLOUDS: Readonly<Record<GraphCloud, CloudHosts>> = {
  global: { loginHost: 'login.microsoftonline.com', graphHost: 'graph.microsoft.com' },
  usgov: { loginHost: 'login.microsoftonline.us', graphHost: 'graph.microsoft.us' },
  usgovdod: { loginHost: 'login.microsoftonline.us', graphHost: 'dod-graph.microsoft.us' },
  china: { loginHost: 'login.chinacloudapi.cn', graphHost: 'microsoftgraph.chinacloudapi.cn' },
};

/** Base URLs and token scope one integration talks to. */
export interface GraphEndpoints {
  /** e.g. `https://login.microsoftonline.com`, no trailing slash. */
  authorityHost: string;
  /** e.g. `https://graph.microsoft.com`, no trailing slash. */
  graphEndpoint: string;
  /** `{graph endpoint}/.default`. */
  scope: string;
}

/** Server-wide overrides (config AZURE_AUTHORITY_HOST / GRAPH_ENDPOINT). */
export interface EndpointOverrides {
  authorityHost?: string | undefined;
  graphEndpoint?: string | undefined;
}

/**
 * Resolves the hosts of a cloud, letting server-wide overrides (emulator, proxies) win.
 * The scope follows the Graph endpoint actually used, so an override gets its own scope.
 */
export function resolveEndpoints(
  cloud: GraphCloud,
  overrides: EndpointOverrides = {},
): GraphEndpoints {
  const hosts = CLOUDS[cloud];
  const authorityHost = trimSlash(overrides.authorityHost ?? `https://${hosts.loginHost}`);
  const graphEndpoint = trimSlash(overrides.graphEndpoint ?? `https://${hosts.graphHost}`);
  return { authorityHost, graphEndpoint, scope: `${graphEndpoint}/.default` };
}

/** True when the host is one of Microsoft's login hosts, which msal knows without help. */
export function isMicrosoftLoginHost(host: string): boolean {
  return Object.values(CLOUDS).some((c) => c.loginHost === host.toLowerCase());
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
