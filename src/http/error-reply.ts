import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type FieldIssue } from '../errors.ts';

/** The JSON error body every failure is answered with. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export interface ErrorReply {
  status: number;
  body: ErrorBody;
  /** True for failures that are our bug (logged with the error, answered generically). */
  internal: boolean;
}

interface ValidationItem {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Turns validator output into `[{field, message}]`; unknown keys name each key. */
function fieldIssues(items: readonly ValidationItem[], context: string | undefined): FieldIssue[] {
  return items.flatMap((item) => {
    const path = (item.instancePath ?? '').replace(/^\//, '').split('/').filter(Boolean).join('.');
    const keys = item.params?.['keys'];
    if (Array.isArray(keys) && keys.length > 0) {
      return keys.map((k) => ({
        field: path ? `${path}.${String(k)}` : String(k),
        message: 'unknown field',
      }));
    }
    return [{ field: path || context || 'body', message: item.message ?? 'invalid' }];
  });
}

function reply(status: number, code: string, message: string, details?: unknown): ErrorReply {
  const error: ErrorBody['error'] = { code, message };
  if (details !== undefined) error.details = details;
  return { status, body: { error }, internal: false };
}

/** Fastify's own request errors by code, mapped to ours. */
const FASTIFY_CODES: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'malformed_json', 'The request body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'malformed_json', 'The request body is empty'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    415,
    'unsupported_media_type',
    'Send JSON (Content-Type: application/json)',
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'The request body is larger than 1 MiB'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    400,
    'bad_request',
    'Content-Length does not match the body',
  ],
};

/**
 * Decides the answer to any thrown value: AppError → its status and code; validation →
 * 400 `validation_failed` naming fields; Fastify body errors → 400/413/415; anything else →
 * 500 `internal` without detail. Pure, so every branch is testable without a server.
 */
export function toErrorReply(err: unknown): ErrorReply {
  if (err instanceof AppError) return reply(err.status, err.code, err.message, err.details);
  if (typeof err !== 'object' || err === null) {
    return { ...reply(500, 'internal', 'Internal error'), internal: true };
  }
  const e = err as {
    code?: unknown;
    statusCode?: unknown;
    validation?: unknown;
    validationContext?: unknown;
    name?: unknown;
  };
  if (hasZodFastifySchemaValidationErrors(err) || Array.isArray(e.validation)) {
    const items = (e.validation ?? []) as ValidationItem[];
    const context = typeof e.validationContext === 'string' ? e.validationContext : undefined;
    const issues = fieldIssues(items, context);
    const named = issues.map((i) => i.field).join(', ');
    return reply(400, 'validation_failed', `Invalid request: check ${named}`, { issues });
  }
  if (typeof e.code === 'string' && e.code in FASTIFY_CODES) {
    const [status, code, message] = FASTIFY_CODES[e.code] as [number, string, string];
    return reply(status, code, message);
  }
  // Other client errors raised by Fastify itself (bad headers, …) keep their status.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return reply(e.statusCode, 'bad_request', 'The request could not be processed');
  }
  return { ...reply(500, 'internal', 'Internal error'), internal: true };
}
