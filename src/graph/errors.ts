import { AppError } from '../errors.ts';

/** What went wrong talking to Microsoft, in terms an administrator can act on. */
export type GraphErrorCode =
  | 'invalid_secret'
  | 'secret_expired'
  | 'unknown_application'
  | 'tenant_not_found'
  | 'tenant_malformed'
  | 'permission_missing'
  | 'network_unreachable'
  | 'tls_untrusted'
  | 'throttled'
  | 'graph_error';

/** Facts about the failed exchange, kept for run logs and support requests. */
export interface GraphErrorInfo {
  /** HTTP status Microsoft answered with, when there was an answer. */
  httpStatus?: number | undefined;
  /** Graph's `request-id` header (or the token endpoint's trace id). */
  requestId?: string | undefined;
  /** Graph's own error code (`Authorization_RequestDenied`, `AADSTS7000215`, …). */
  upstreamCode?: string | undefined;
  cause?: unknown;
}

/**
 * A failure of Microsoft Graph or the identity platform. Upstream failures answer 502 at
 * our HTTP edge; `code` tells the administrator what to fix.
 */
export class GraphError extends AppError {
  declare readonly code: GraphErrorCode;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  readonly upstreamCode: string | undefined;

  constructor(code: GraphErrorCode, message: string, info: GraphErrorInfo = {}) {
    super(502, code, message, detailsOf(info));
    this.httpStatus = info.httpStatus;
    this.requestId = info.requestId;
    this.upstreamCode = info.upstreamCode;
    if (info.cause !== undefined) this.cause = info.cause;
  }
}

/**
 * The stored delta state is gone (410, `syncStateNotFound`, `resyncRequired`): the caller
 * must start a full synchronisation.
 */
export class ResyncRequiredError extends AppError {
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  /** The `Location` header of a 410, where Graph suggests restarting. */
  readonly location: string | undefined;

  constructor(
    message = 'Microsoft Graph no longer knows the stored delta state: a full synchronisation is needed',
    info: GraphErrorInfo & { location?: string | undefined } = {},
  ) {
    super(502, 'resync_required', message, detailsOf(info));
    this.httpStatus = info.httpStatus;
    this.requestId = info.requestId;
    this.location = info.location;
  }
}

const CREDENTIAL_CODES: ReadonlySet<string> = new Set<GraphErrorCode>([
  'invalid_secret',
  'secret_expired',
  'unknown_application',
  'tenant_not_found',
  'tenant_malformed',
  'permission_missing',
]);

/**
 * True when the failure can only be fixed by an administrator changing the integration's
 * credentials or consent: retrying on schedule is pointless until they do.
 */
export function isCredentialError(err: unknown): err is GraphError {
  return err instanceof GraphError && CREDENTIAL_CODES.has(err.code);
}

function detailsOf(info: GraphErrorInfo): Record<string, string | number> | undefined {
  const details: Record<string, string | number> = {};
  if (info.httpStatus !== undefined) details.httpStatus = info.httpStatus;
  if (info.requestId !== undefined) details.requestId = info.requestId;
  if (info.upstreamCode !== undefined) details.upstreamCode = info.upstreamCode;
  return Object.keys(details).length > 0 ? details : undefined;
}
