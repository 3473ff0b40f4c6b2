import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates } from 'node:tls';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { TransportError, classifyTransportFailure } from './transport-error.ts';

/** One HTTP exchange as the Graph client needs it: small JSON or form bodies only. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Limit for the whole exchange: connect, headers and body. */
  timeoutMs: number;
  /** Cancels the exchange (e.g. a read-ahead nobody wants any more). */
  signal?: AbortSignal | undefined;
}

/** A complete answer. Header names are lower-case. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Sends one request; throws TransportError when no complete answer arrives. */
export type HttpSend = (req: HttpRequest) => Promise<HttpResponse>;

export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Largest answer read from Microsoft (token endpoint and Graph). A Graph page of 999 users
 * with every field is a few MiB; anything far larger is a fault or a hostile endpoint, and
 * reading it whole would cost the process its memory.
 */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

const dispatchers = new Map<string, Dispatcher>();

/**
 * The shared dispatcher for a set of extra trusted CAs. `EnvHttpProxyAgent` talks directly
 * unless HTTPS_PROXY / NO_PROXY say otherwise, so proxy support needs no branch here.
 *
 * Passing `ca` replaces Node's default trust store, and that store is the only place
 * Node applies NODE_EXTRA_CA_CERTS: with extra CAs we therefore rebuild the set ourselves
 * from the bundled roots, the NODE_EXTRA_CA_CERTS file and the given PEMs. Certificate
 * checks are never turned off.
 */
export function getDispatcher(
  extraCaPem: readonly string[] = [],
  nodeExtraCaCertsFile: string | undefined = process.env.NODE_EXTRA_CA_CERTS,
): Dispatcher {
  const key =
    extraCaPem.length === 0
      ? 'default'
      : hashOf([...extraCaPem, `file:${nodeExtraCaCertsFile ?? ''}`]);
  const existing = dispatchers.get(key);
  if (existing) return existing;
  const options: EnvHttpProxyAgent.Options = { keepAliveTimeout: 10_000 };
  if (extraCaPem.length > 0) {
    const ca = [...rootCertificates, ...readExtraCaFile(nodeExtraCaCertsFile), ...extraCaPem];
    // One secure context for every connection: given `ca` alone, each new TLS connection
    // parsed the ~150 root certificates again (tens of milliseconds, the largest cost of an
    // idle incremental run, whose keep-alive connection has long expired).
    const secureContext = createSecureContext({ ca });
    options.connect = { secureContext };
    // Through a proxy, the TLS session with Microsoft is opened by the tunnel, not `connect`.
    options.requestTls = { secureContext };
  }
  const dispatcher = new EnvHttpProxyAgent(options);
  dispatchers.set(key, dispatcher);
  return dispatcher;
}

/** Builds the send function over a dispatcher, turning every failure into a TransportError. */
export function createHttpSend(
  dispatcher: Dispatcher,
  maxBytes: number = MAX_RESPONSE_BYTES,
): HttpSend {
  return (req) => send(dispatcher, req, maxBytes);
}

async function send(
  dispatcher: Dispatcher,
  req: HttpRequest,
  maxBytes: number,
): Promise<HttpResponse> {
  const host = hostOf(req.url);
  const controller = new AbortController();
  let timedOut = false;
  let headersReceived = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, req.timeoutMs);
  const onOuterAbort = (): void => controller.abort();
  req.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    if (req.signal?.aborted) controller.abort();
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers ?? {},
      body: req.body ?? null,
      dispatcher,
      signal: controller.signal,
    });
    headersReceived = true;
    if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
      controller.abort();
      throw new TransportError(
        'oversized',
        host,
        `${host} announced an answer larger than ${Math.round(maxBytes / 1024 / 1024)} MiB; refused`,
      );
    }
    const text = await readCapped(res.body, host, maxBytes, controller);
    return { status: res.statusCode, headers: flattenHeaders(res.headers), text };
  } catch (err) {
    if (err instanceof TransportError) throw err;
    if (timedOut) {
      throw new TransportError(
        'timeout',
        host,
        `${host} did not answer within ${req.timeoutMs} ms`,
        undefined,
        {
          cause: err,
        },
      );
    }
    if (req.signal?.aborted) {
      throw new TransportError('aborted', host, `request to ${host} was cancelled`, undefined, {
        cause: err,
      });
    }
    const classified = classifyTransportFailure(err);
    // The status line came, the body did not: the answer was cut short mid-way.
    const kind = headersReceived && classified.kind !== 'tls' ? 'truncated' : classified.kind;
    const code = classified.code;
    const reason = err instanceof Error ? err.message : String(err);
    throw new TransportError(kind, host, `${req.method} ${host} failed: ${reason}`, code, {
      cause: err,
    });
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/**
 * Reads a body as UTF-8 text, giving up (and closing the connection) as soon as it is
 * announced or found to be larger than `maxBytes`.
 */
async function readCapped(
  body: AsyncIterable<Buffer> & { destroy?: (err?: Error) => unknown },
  host: string,
  maxBytes: number,
  controller: AbortController,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      controller.abort();
      throw new TransportError(
        'oversized',
        host,
        `${host} sent an answer larger than ${Math.round(maxBytes / 1024 / 1024)} MiB; refused`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function readExtraCaFile(file: string | undefined): string[] {
  if (!file) return [];
  try {
    return [readFileSync(file, 'utf8')];
  } catch {
    // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; do the same.
    return [];
  }
}

function hashOf(pems: readonly string[]): string {
  const h = createHash('sha256');
  for (const pem of [...pems].sort()) h.update(pem).update('\0');
  return h.digest('hex');
}

/** `host[:port]` of a URL, for messages; never the path or query (they may carry tokens). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}
