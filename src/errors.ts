/**
 * Named, expected failures. Each carries a stable `code` and an HTTP status; the HTTP edge
 * turns them into `{error:{code,message,details}}`. Anything else that is thrown is a bug
 * and becomes a generic 500 without details.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Field-level detail of a validation failure. */
export interface FieldIssue {
  field: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(message: string, issues: FieldIssue[] = []) {
    super(400, 'validation_failed', message, issues.length ? { issues } : undefined);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(404, 'not_found', `${what} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(409, code, message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Sign in first: missing or invalid credentials') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Only platform administrators of this organisation may do this') {
    super(403, 'forbidden', message);
  }
}
