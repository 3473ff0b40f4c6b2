import { graphErrorBody, idHeaders, sendGraphError, type Exchange } from './exchange.ts';
import type { FaultDecision } from './faults.ts';

/**
 * Carries out a fault decision on the exchange. `stalls` collects held requests so that
 * close() can drop them at once instead of waiting for their timers.
 */
export function applyFault(ex: Exchange, fault: FaultDecision, stalls: Set<NodeJS.Timeout>): void {
  const retry: Record<string, string> =
    fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
  switch (fault.kind) {
    case '429':
      return sendGraphError(
        ex,
        429,
        'TooManyRequests',
        'Too many requests. Please retry after the time specified in the Retry-After header.',
        retry,
      );
    case '503':
      return sendGraphError(
        ex,
        503,
        'serviceNotAvailable',
        'The service is temporarily unavailable. Please retry later.',
        retry,
      );
    case '504':
      return sendGraphError(ex, 504, 'UnknownError', 'Gateway timeout.', retry);
    case 'reset':
      ex.req.socket.destroy();
      return;
    case 'stall': {
      // Never answer; drop the socket after stallMs so the server can still close.
      const timer = setTimeout(() => {
        stalls.delete(timer);
        ex.req.socket.destroy();
      }, fault.stallMs);
      stalls.add(timer);
      ex.req.socket.once('close', () => {
        clearTimeout(timer);
        stalls.delete(timer);
      });
      return;
    }
    case 'truncated': {
      const text = JSON.stringify({
        '@odata.context': `${ex.url.origin}/v1.0/$metadata#users`,
        value: [graphErrorBody(ex, 'padding', 'x'.repeat(200))],
      });
      ex.res.writeHead(200, {
        ...idHeaders(ex),
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(text)),
      });
      // Half the promised bytes, then the connection ends: a classic mid-body cut.
      ex.res.write(text.slice(0, Math.floor(text.length / 2)), () => ex.req.socket.destroy());
      return;
    }
  }
}
