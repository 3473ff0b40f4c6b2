/** Graph's error envelope `{"error":{"code","message","innerError":{…}}}`, read defensively. */
export interface GraphErrorBody {
  code: string | undefined;
  message: string | undefined;
  innerCode: string | undefined;
}

/**
 * Parses JSON, returning undefined instead of throwing on malformed text. A leading UTF-8
 * byte-order mark is skipped (RFC 8259 §8.1 lets parsers ignore it): OData services may send
 * one, notably in text/plain answers such as `/$count` (oasis-tcs/odata-specs issue 325:
 * "Clients SHOULD be aware that it is returned by some services"), and Graph has sent it
 * before JSON bodies (microsoftgraph/microsoft-graph-docs issue 679).
 */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads Graph's error envelope from a response body; missing parts are undefined. */
export function readGraphErrorBody(text: string): GraphErrorBody {
  const json = tryParseJson(text);
  const error = isRecord(json) ? json.error : undefined;
  if (!isRecord(error)) return { code: undefined, message: undefined, innerCode: undefined };
  const inner = error.innerError ?? error.innererror;
  return {
    code: stringOr(error.code),
    message: stringOr(error.message),
    innerCode: isRecord(inner) ? stringOr(inner.code) : undefined,
  };
}

/** Narrows unknown JSON to a plain object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
