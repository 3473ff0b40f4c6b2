/**
 * The panel's only door to the server: a typed wrapper around fetch for `/api/v1`.
 * Authentication rides on the httpOnly `aus_session` cookie set by login, so every call
 * sends `credentials: 'same-origin'` and never touches the token.
 */

/** One field-level problem reported by a 400 response. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** A non-2xx answer from the API, with the server's code, message and field issues. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
    /** The raw JSON body, for answers such as 409 `{runId}` that carry data. */
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Validation issues (`details.issues`) of a 400, or none. */
  get issues(): FieldIssue[] {
    return issuesOf(this.details);
  }
}

const BASE = '/api/v1';

let onUnauthorized: () => void = () => undefined;

/** Registers what happens when any call (except sign-in) answers 401: back to sign-in. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestOptions {
  /** Do not run the global 401 handler (sign-in, and the first "who am I" probe). */
  quiet401?: boolean;
}

/**
 * Calls `/api/v1<path>` and returns the parsed JSON body (undefined for 204).
 * Throws ApiError for any non-2xx answer; a 401 also triggers the sign-in redirect.
 */
export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(BASE + path, init);
  } catch {
    throw new ApiError(
      0,
      'network',
      'The server cannot be reached. Check your connection.',
      null,
      null,
    );
  }
  const parsed = await readJson(response);
  if (!response.ok) {
    const error = errorOf(response.status, parsed);
    if (response.status === 401 && !options.quiet401) onUnauthorized();
    throw error;
  }
  // The server is the contract owner (SPEC §6); the panel trusts its documented shapes.
  return parsed as T;
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Turns an error body `{error:{code,message,details}}` into an ApiError. */
export function errorOf(status: number, body: unknown): ApiError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : null;
  const code = typeof error?.code === 'string' ? error.code : `http_${status}`;
  const message =
    typeof error?.message === 'string' && error.message
      ? error.message
      : `The server answered ${status}.`;
  return new ApiError(status, code, message, error?.details ?? null, body);
}

/** The `issues` array of a validation error's details, ignoring anything malformed. */
export function issuesOf(details: unknown): FieldIssue[] {
  if (!isRecord(details) || !Array.isArray(details.issues)) return [];
  return details.issues.flatMap((issue: unknown) =>
    isRecord(issue) && typeof issue.field === 'string' && typeof issue.message === 'string'
      ? [{ field: issue.field, message: issue.message }]
      : [],
  );
}

/** A list endpoint's items whether the server answers `[...]` or `{items:[...]}`. */
export function itemsOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  if (isRecord(body) && Array.isArray(body.items)) return body.items as T[];
  return [];
}

/** The run id of a sync answer: 202 `{runId}`, or a 409 carrying it at top level or in details. */
export function runIdOf(body: unknown): string | null {
  if (!isRecord(body)) return null;
  if (typeof body.runId === 'string') return body.runId;
  const error = isRecord(body.error) ? body.error : null;
  if (error && isRecord(error.details) && typeof error.details.runId === 'string') {
    return error.details.runId;
  }
  return null;
}

/** Builds a query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The message to show for any thrown value. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
