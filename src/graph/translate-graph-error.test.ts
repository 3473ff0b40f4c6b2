import { describe, expect, it } from 'vitest';
import { GraphError, ResyncRequiredError, isCredentialError } from './errors.ts';
import { tryParseJson } from './graph-error-body.ts';
import { translateGraphResponse } from './translate-graph-error.ts';

function res(status: number, body: unknown, headers: Record<string, string> = {}) {
  return { status, headers: { 'request-id': 'req-1', ...headers }, text: JSON.stringify(body) };
}
const envelope = (code: string, message = 'm') => ({
  error: { code, message, innerError: { 'request-id': 'req-1' } },
});

describe('translateGraphResponse', () => {
  it('403 Authorization_RequestDenied → permission_missing, a credential error', () => {
    const e = translateGraphResponse(
      res(403, envelope('Authorization_RequestDenied', 'Insufficient privileges')),
      1,
    );
    expect(e).toBeInstanceOf(GraphError);
    expect(e.code).toBe('permission_missing');
    expect(e.message).toMatch(/^User.Read.All is missing or admin consent was not granted/);
    expect(e.requestId).toBe('req-1');
    expect(e.httpStatus).toBe(403);
    expect(e.status).toBe(502);
    expect(isCredentialError(e)).toBe(true);
  });

  it('410, syncStateNotFound and resyncRequired → ResyncRequiredError', () => {
    const gone = translateGraphResponse(
      res(410, envelope('Gone'), { location: 'https://graph/x' }),
      1,
    );
    expect(gone).toBeInstanceOf(ResyncRequiredError);
    expect((gone as ResyncRequiredError).location).toBe('https://graph/x');
    expect(translateGraphResponse(res(400, envelope('syncStateNotFound')), 1)).toBeInstanceOf(
      ResyncRequiredError,
    );
    expect(translateGraphResponse(res(400, envelope('resyncRequired')), 1)).toBeInstanceOf(
      ResyncRequiredError,
    );
    expect(translateGraphResponse(res(400, envelope('BadRequest')), 1)).not.toBeInstanceOf(
      ResyncRequiredError,
    );
  });

  it('busy answers after retries → throttled naming the attempts', () => {
    const e = translateGraphResponse(res(429, envelope('TooManyRequests')), 8);
    expect(e.code).toBe('throttled');
    expect(e.message).toContain('after 8 attempts');
    expect(isCredentialError(e)).toBe(false);
  });

  it("anything else → graph_error with Graph's own message, even without a JSON body", () => {
    const e = translateGraphResponse(
      res(400, envelope('Request_BadRequest', "Invalid object identifier 'x'.")),
      1,
    );
    expect(e.code).toBe('graph_error');
    expect(e.message).toBe(
      "Microsoft Graph answered 400 Request_BadRequest: Invalid object identifier 'x'.",
    );
    const html = translateGraphResponse({ status: 500, headers: {}, text: '<html>oops</html>' }, 1);
    expect(html.code).toBe('graph_error');
    expect(html.message).toContain('HTTP 500');
  });
});

describe('tryParseJson', () => {
  it('skips a leading byte-order mark (a text/plain $count may carry one) and rejects junk', () => {
    expect(tryParseJson('\uFEFF12345')).toBe(12345);
    expect(tryParseJson('\uFEFF{"error":{"code":"x"}}')).toEqual({ error: { code: 'x' } });
    expect(tryParseJson('12345')).toBe(12345);
    expect(tryParseJson('\uFEFF')).toBeUndefined();
    expect(tryParseJson('ï»¿1')).toBeUndefined();
  });
});
