import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Paths that may carry credentials anywhere in a log object. Pino replaces them with
 * "[redacted]" before serialising, so a secret handed to the logger by mistake never
 * reaches the output.
 */
export const REDACT_PATHS = [
  'secret',
  '*.secret',
  'clientSecret',
  '*.clientSecret',
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'body.secret',
  'body.password',
];

/** Creates the JSON logger. `destination` lets tests capture every line. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'azure-user-sync' },
    },
    destination,
  );
}
