import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request and its response, with the ids every Graph and login response carries. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  requestId: string;
  clientRequestId: string | null;
  /** Emulator clock at arrival, ms since epoch. */
  now: number;
}

/** Builds the exchange for a request; `origin` resolves the relative request URL. */
export function openExchange(
  req: IncomingMessage,
  res: ServerResponse,
  origin: string,
  now: number,
): Exchange {
  const header = req.headers['client-request-id'];
  return {
    req,
    res,
    url: new URL(req.url ?? '/', origin),
    requestId: randomUUID(),
    clientRequestId: typeof header === 'string' ? header : null,
    now,
  };
}

/** Headers every response carries: Graph's request-id and the echoed client-request-id. */
export function idHeaders(ex: Exchange): Record<string, string> {
  const headers: Record<string, string> = { 'request-id': ex.requestId };
  headers['client-request-id'] = ex.clientRequestId ?? ex.requestId;
  return headers;
}

/** Sends a JSON body with the id headers. */
export function sendJson(
  ex: Exchange,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  ex.res.writeHead(status, {
    ...idHeaders(ex),
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  ex.res.end(text);
}

/** Sends the Graph error envelope `{error:{code,message,innerError:{request-id,date}}}`. */
export function sendGraphError(
  ex: Exchange,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(ex, status, graphErrorBody(ex, code, message), headers);
}

/** The Graph error envelope for this exchange. */
export function graphErrorBody(ex: Exchange, code: string, message: string): unknown {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date(ex.now).toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': ex.requestId,
        'client-request-id': ex.clientRequestId ?? ex.requestId,
      },
    },
  };
}

/** Reads the request body as text, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limit) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
