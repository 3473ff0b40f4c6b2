/** Graph's error envelope `{"error":{"code","message","innerError":{…}}}`, read defensively. */
export interface GraphErrorBody {
  code: string | undefined;
  message: string | undefined;
  innerCode: string | undefined;
}

/** Parses JSON, returning undefined instead of throwing on malformed text. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
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
