import { GraphError } from './errors.ts';

/** How an HTTP exchange failed before a complete answer arrived. */
export type TransportFailureKind =
  'dns' | 'connect' | 'tls' | 'timeout' | 'reset' | 'truncated' | 'oversized' | 'aborted' | 'other';

/** A failed HTTP exchange: no status, or a body cut short. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailureKind,
    readonly host: string,
    message: string,
    readonly errorCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

/** True for failures that may well succeed on the next attempt. */
export function isTransientTransportFailure(kind: TransportFailureKind): boolean {
  return kind === 'connect' || kind === 'timeout' || kind === 'reset' || kind === 'truncated';
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

const KIND_BY_CODE: Readonly<Record<string, TransportFailureKind>> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ECONNREFUSED: 'connect',
  EHOSTUNREACH: 'connect',
  ENETUNREACH: 'connect',
  ETIMEDOUT: 'connect',
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'truncated',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'reset',
  ERR_SSL_WRONG_VERSION_NUMBER: 'tls',
};

/**
 * Classifies a low-level failure (undici, node:net, node:tls) by the error codes found
 * along its `cause` chain.
 */
export function classifyTransportFailure(err: unknown): {
  kind: TransportFailureKind;
  code?: string;
} {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = codeOf(e);
    if (code === undefined) continue;
    if (TLS_CODES.has(code)) return { kind: 'tls', code };
    const kind = KIND_BY_CODE[code];
    if (kind !== undefined) return { kind, code };
  }
  const code = err instanceof Error ? codeOf(err) : undefined;
  return code === undefined ? { kind: 'other' } : { kind: 'other', code };
}

function codeOf(e: Error): string | undefined {
  const code: unknown = (e as Error & { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

const WHAT: Readonly<Record<TransportFailureKind, string>> = {
  dns: 'the host name does not resolve',
  connect: 'the connection was refused or timed out',
  tls: 'its certificate is not trusted',
  timeout: 'it did not answer in time',
  reset: 'the connection was reset',
  truncated: 'the answer was cut short',
  oversized: 'the answer was too large',
  aborted: 'the request was cancelled',
  other: 'the request failed',
};

/** Turns a transport failure into the administrator-readable error it stands for. */
export function transportToGraphError(err: TransportError, attempts: number): GraphError {
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  if (err.kind === 'tls') {
    return new GraphError(
      'tls_untrusted',
      `The certificate of ${err.host} is not trusted (${err.errorCode ?? 'TLS error'}): ` +
        'if a proxy or private certificate authority sits in between, add its certificate ' +
        'with NODE_EXTRA_CA_CERTS',
      { cause: err },
    );
  }
  if (err.kind === 'oversized') {
    return new GraphError(
      'graph_error',
      `${err.message}: a Microsoft answer is never that large; check GRAPH_ENDPOINT, AZURE_AUTHORITY_HOST and any proxy in between`,
      { cause: err },
    );
  }
  if (err.kind === 'truncated') {
    return new GraphError(
      'graph_error',
      `${err.host} kept sending incomplete answers${tries}; the next run will try again`,
      { cause: err },
    );
  }
  return new GraphError(
    'network_unreachable',
    `Cannot reach ${err.host}: ${WHAT[err.kind]}${tries}. Check the network, DNS and proxy ` +
      '(HTTPS_PROXY) of this server',
    { cause: err },
  );
}
