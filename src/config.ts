import { z } from 'zod';

/**
 * The process configuration, parsed once from the environment at the edge (cli.ts).
 * Nothing else in the code base reads `process.env`: inner modules receive the parts
 * of this object they need.
 */
export interface Config {
  /** `sqlite:<path>` or `postgres://…`. */
  databaseUrl: string;
  database: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
  host: string;
  port: number;
  /** 32 raw bytes, or undefined when not set (allowed only for the SQLite default). */
  encryptionKey: Buffer | undefined;
  /** Login host override for every integration (emulator, proxies, tests). */
  azureAuthorityHost: string | undefined;
  /** Graph base URL override for every integration. */
  graphEndpoint: string | undefined;
  deactivatedRetentionDays: number;
  /** Days audit log entries are kept (issue 15). */
  auditRetentionDays: number;
  /** A running run whose worker sent no heartbeat for this long is taken over by another. */
  runStaleSeconds: number;
  /** Runs one `worker` (or a queue-mode `serve`) executes at the same time. */
  workerConcurrency: number;
  /** UPN partitions of `/users` a full run reads at once (1 = one sequential listing). */
  graphParallelReads: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Directory that holds the SQLite file and the generated key (derived from the SQLite path). */
  dataDir: string;
  /**
   * True only for the default SQLite URL: the one case where a missing ENCRYPTION_KEY is
   * generated into the data folder (SPEC §6). Any other database needs ENCRYPTION_KEY.
   */
  generatedKeyAllowed: boolean;
  /**
   * Fastify's `trustProxy`: which hops may set X-Forwarded-For/-Proto/-Host. `false` (the
   * default) trusts none, so a client cannot forge its address or protocol.
   */
  trustProxy: boolean | number | string[];
  /** The panel's public origin behind a proxy (`https://sync.example.com`), if set. */
  publicUrl: URL | undefined;
  /** When set, `/metrics` requires `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** Read by `admin create` when `--password` is absent. */
  adminPassword: string | undefined;
  /** A session ends after this many minutes without a request (and 12 h after sign-in). */
  sessionIdleMinutes: number;
  /** Permits http:// Graph and login endpoints (the emulator's `--http` mode only). */
  allowInsecureGraph: boolean;
  /**
   * Where Microsoft Graph posts change notifications (issue 16): PUBLIC_URL when it is
   * https, else undefined (near-real-time unavailable; Graph only calls https URLs). The
   * demo and tests set it to the local http URL for the emulator; no variable does.
   */
  notificationBaseUrl: URL | undefined;
  /** Quiet time after a change notification before the run starts (NOTIFICATION_DEBOUNCE_SECONDS). */
  notificationDebounceMs: number;
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/azure-user-sync.db';

const urlish = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\/[^\s]+$/i.test(v), 'must be an http(s) URL');

const flag = z
  .enum(['', '0', '1', 'true', 'false'])
  .optional()
  .transform((v) => v === '1' || v === 'true');

/**
 * TRUST_PROXY with Fastify's semantics: `true`/`false`, a hop count (`1` = the nearest
 * proxy), or a comma-separated list of addresses/CIDRs of trusted proxies.
 */
const trustProxy = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx): boolean | number | string[] => {
    if (v === undefined || v === '' || v === 'false') return false;
    if (v === 'true') return true;
    if (/^\d+$/.test(v)) return Number.parseInt(v, 10);
    const list = v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (list.every((s) => /^[0-9a-f.:]+(\/\d{1,3})?$/i.test(s))) return list;
    ctx.addIssue({
      code: 'custom',
      message: 'must be true, false, a hop count, or comma-separated addresses/CIDRs',
    });
    return z.NEVER;
  });

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .default(DEFAULT_DATABASE_URL)
    .refine(
      (v) => v.startsWith('sqlite:') || /^postgres(ql)?:\/\//.test(v),
      'must start with sqlite: or postgres://',
    ),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  ENCRYPTION_KEY: z
    .string()
    .trim()
    .optional()
    .refine(
      (v) => v === undefined || v === '' || Buffer.from(v, 'base64').length === 32,
      'must be 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`)',
    ),
  AZURE_AUTHORITY_HOST: urlish.optional(),
  GRAPH_ENDPOINT: urlish.optional(),
  DEACTIVATED_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  RUN_HEARTBEAT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  GRAPH_PARALLEL_READS: z.coerce.number().int().min(1).max(16).default(4),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: trustProxy,
  PUBLIC_URL: urlish.optional(),
  METRICS_TOKEN: z.string().trim().min(16, 'at least 16 characters').optional().or(z.literal('')),
  ADMIN_PASSWORD: z.string().optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(720).default(120),
  ALLOW_INSECURE_GRAPH: flag,
  NOTIFICATION_DEBOUNCE_SECONDS: z.coerce.number().min(0).max(300).default(10),
});

/** A configuration problem, naming the environment variable at fault. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
}

/** Parses the environment into a typed Config or throws a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  const database = parseDatabaseUrl(e.DATABASE_URL);
  const generatedKeyAllowed = e.DATABASE_URL === DEFAULT_DATABASE_URL;
  if (!e.ENCRYPTION_KEY && !generatedKeyAllowed) {
    throw new ConfigError(
      database.kind === 'postgres'
        ? 'Invalid environment: ENCRYPTION_KEY: required with PostgreSQL (32 bytes, base64)'
        : `Invalid environment: ENCRYPTION_KEY: required for any database but the default ${DEFAULT_DATABASE_URL} (32 bytes, base64)`,
    );
  }
  // Client secrets and access tokens travel to these hosts: plain HTTP only on request.
  for (const [name, value] of [
    ['AZURE_AUTHORITY_HOST', e.AZURE_AUTHORITY_HOST],
    ['GRAPH_ENDPOINT', e.GRAPH_ENDPOINT],
  ] as const) {
    if (value !== undefined && !/^https:/i.test(value) && !e.ALLOW_INSECURE_GRAPH) {
      throw new ConfigError(
        `Invalid environment: ${name}: must be an https URL (set ALLOW_INSECURE_GRAPH=1 only for a local emulator over plain HTTP)`,
      );
    }
  }
  return {
    databaseUrl: e.DATABASE_URL,
    database,
    host: e.HOST,
    port: e.PORT,
    encryptionKey: e.ENCRYPTION_KEY ? Buffer.from(e.ENCRYPTION_KEY, 'base64') : undefined,
    azureAuthorityHost: stripSlash(e.AZURE_AUTHORITY_HOST),
    graphEndpoint: stripSlash(e.GRAPH_ENDPOINT),
    deactivatedRetentionDays: e.DEACTIVATED_RETENTION_DAYS,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    runStaleSeconds: e.RUN_HEARTBEAT_TIMEOUT_SECONDS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    graphParallelReads: e.GRAPH_PARALLEL_READS,
    logLevel: e.LOG_LEVEL,
    dataDir: database.kind === 'sqlite' ? dirnameOf(database.path) : './data',
    generatedKeyAllowed,
    trustProxy: e.TRUST_PROXY,
    publicUrl: e.PUBLIC_URL ? new URL(e.PUBLIC_URL) : undefined,
    metricsToken: e.METRICS_TOKEN ? e.METRICS_TOKEN : undefined,
    adminPassword:
      e.ADMIN_PASSWORD !== undefined && e.ADMIN_PASSWORD !== '' ? e.ADMIN_PASSWORD : undefined,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    allowInsecureGraph: e.ALLOW_INSECURE_GRAPH,
    notificationBaseUrl:
      e.PUBLIC_URL && /^https:/i.test(e.PUBLIC_URL) ? new URL(e.PUBLIC_URL) : undefined,
    notificationDebounceMs: Math.round(e.NOTIFICATION_DEBOUNCE_SECONDS * 1000),
  };
}

function parseDatabaseUrl(url: string): Config['database'] {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return { kind: 'sqlite', path: path === '' ? ':memory:' : path };
  }
  return { kind: 'postgres', url };
}

function dirnameOf(path: string): string {
  if (path === ':memory:') return './data';
  const i = path.lastIndexOf('/');
  return i <= 0 ? '.' : path.slice(0, i);
}

function stripSlash(v: string | undefined): string | undefined {
  return v === undefined ? undefined : v.replace(/\/+$/, '');
}
