import { ClientConfigurationError, ServerError } from '@azure/msal-node';
import { describe, expect, it } from 'vitest';
import { GraphError, isCredentialError } from './errors.ts';
import { TokenTransportError } from './token-transport-error.ts';
import { translateTokenError } from './translate-token-error.ts';

const ctx = {
  authorityHost: 'https://login.microsoftonline.com',
  tenantId: 'contoso.onmicrosoft.com',
};

/** A ServerError shaped the way msal builds it from the token endpoint's JSON. */
function serverError(
  code: string,
  errorNo: string,
  description: string,
  status: number,
): ServerError {
  const message =
    `Error(s): ${errorNo} - Timestamp: 2025-03-01 12:00:00Z - Description: ${description} - ` +
    'Correlation ID: 1b0c3c8e-0000-0000-0000-000000000000 - Trace ID: 9f1e2d3c-0000-4000-8000-000000000001';
  return new ServerError(code, message, undefined, errorNo, status);
}

describe('translateTokenError', () => {
  it('wrong secret → invalid_secret with the Value-not-ID advice', () => {
    const e = translateTokenError(
      serverError(
        'invalid_client',
        '7000215',
        'AADSTS7000215: Invalid client secret provided.',
        401,
      ),
      ctx,
    );
    expect(e.code).toBe('invalid_secret');
    expect(e.message).toBe("The secret is wrong: paste the secret's Value, not its ID");
    expect(e.httpStatus).toBe(401);
    expect(e.requestId).toBe('9f1e2d3c-0000-4000-8000-000000000001');
    expect(e.upstreamCode).toBe('AADSTS7000215');
    expect(isCredentialError(e)).toBe(true);
  });

  it('expired secret → secret_expired naming the date when the description has one', () => {
    const withDate = translateTokenError(
      serverError(
        'invalid_client',
        '7000222',
        "AADSTS7000222: The provided client secret keys for app 'x' expired on 2024-11-30T00:00:00Z.",
        401,
      ),
      ctx,
    );
    expect(withDate.code).toBe('secret_expired');
    expect(withDate.message).toBe(
      'The secret expired on 2024-11-30: create a new one in Entra ID and replace it here',
    );
    const without = translateTokenError(
      serverError(
        'invalid_client',
        '7000222',
        'AADSTS7000222: The provided client secret keys are expired.',
        401,
      ),
      ctx,
    );
    expect(without.message).toMatch(/^The secret has expired: create a new one/);
  });

  it('maps the application and tenant codes', () => {
    const cases: [string, string, string][] = [
      ['unauthorized_client', '700016', 'unknown_application'],
      ['invalid_request', '90002', 'tenant_not_found'],
      ['invalid_request', '900023', 'tenant_malformed'],
    ];
    for (const [error, no, code] of cases) {
      const e = translateTokenError(serverError(error, no, `AADSTS${no}: something`, 400), ctx);
      expect(e.code).toBe(code);
      expect(isCredentialError(e)).toBe(true);
    }
    expect(
      translateTokenError(serverError('unauthorized_client', '700016', 'AADSTS700016: x', 400), ctx)
        .message,
    ).toMatch(/^No app with this Application ID in this tenant/);
    expect(
      translateTokenError(serverError('invalid_request', '90002', 'AADSTS90002: x', 400), ctx)
        .message,
    ).toMatch(/^Tenant not found/);
  });

  it('finds the AADSTS code in the description when errorNo is missing', () => {
    const e = translateTokenError(
      new ServerError(
        'invalid_client',
        'Description: AADSTS7000215: Invalid client secret provided.',
      ),
      ctx,
    );
    expect(e.code).toBe('invalid_secret');
  });

  it('busy token endpoint → throttled; anything else → graph_error with the description', () => {
    expect(
      translateTokenError(serverError('temporarily_unavailable', '', 'busy', 503), ctx).code,
    ).toBe('throttled');
    const other = translateTokenError(
      serverError('invalid_scope', '70011', 'AADSTS70011: The scope is not valid.', 400),
      ctx,
    );
    expect(other.code).toBe('graph_error');
    expect(other.message).toContain('AADSTS70011: The scope is not valid.');
    expect(isCredentialError(other)).toBe(false);
  });

  it('passes our own transport errors through and maps msal URL errors to tenant_malformed', () => {
    const inner = new GraphError(
      'network_unreachable',
      'Cannot reach login.example: the host name does not resolve',
    );
    expect(translateTokenError(new TokenTransportError(inner), ctx)).toBe(inner);
    const urlError = new ClientConfigurationError('url_parse_error');
    expect(translateTokenError(urlError, ctx).code).toBe('tenant_malformed');
  });
});
