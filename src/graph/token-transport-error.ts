import { AuthError } from '@azure/msal-node';
import type { GraphError } from './errors.ts';

/**
 * Carries our translated error through msal. msal rethrows AuthError subclasses from the
 * network module untouched, while any other error becomes an opaque `network_error`, so
 * wrapping keeps the real reason (DNS, TLS, timeout, host) for the administrator.
 */
export class TokenTransportError extends AuthError {
  constructor(readonly graphError: GraphError) {
    super('our_transport_error', graphError.message);
    // msal's AuthError resets the prototype to its own; restore ours so instanceof works.
    Object.setPrototypeOf(this, TokenTransportError.prototype);
    this.name = 'TokenTransportError';
  }
}
