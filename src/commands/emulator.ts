import { InvalidArgumentError, type Command } from 'commander';

interface EmulatorFlags {
  port: number;
  users: number;
  seed: number;
  latencyMs: number;
  faultRate: number;
  http?: boolean;
  json?: boolean;
}

function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
    return n;
  };
}

function rate(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('fault rate must be between 0 and 1');
  return n;
}

/**
 * `azure-user-sync emulator`: runs the Graph emulator on its own and prints how to reach it,
 * then stays up until SIGINT/SIGTERM.
 */
export function registerEmulator(program: Command): void {
  program
    .command('emulator')
    .description('run the local Microsoft Graph / Entra ID emulator (a fake tenant)')
    .option('--port <port>', 'port to listen on (0 = any free port)', integer('port', 0), 0)
    .option('--users <n>', 'generate this many users', integer('users', 0), 0)
    .option('--seed <s>', 'seed of the user generator and random faults', integer('seed', 0), 1)
    .option('--latency-ms <ms>', 'latency added to every request', integer('latency', 0), 0)
    .option('--fault-rate <r>', 'probability (0..1) of a random Graph fault', rate, 0)
    .option(
      '--http',
      'plain HTTP instead of HTTPS (msal-node refuses http authorities; the service accepts http endpoints only with ALLOW_INSECURE_GRAPH=1)',
    )
    .option('--json', 'print one JSON object instead of key: value lines')
    .action(async (flags: EmulatorFlags) => {
      const started = Date.now();
      // Loaded on demand: @peculiar/x509 (the emulator's certificates) is a dev dependency.
      const { startEmulator } = await import('../emulator/index.ts');
      const emulator = await startEmulator({
        port: flags.port,
        users: flags.users,
        seed: flags.seed,
        latencyMs: flags.latencyMs,
        faultRate: flags.faultRate,
        https: !flags.http,
      });
      const info: Record<string, string | number> = {
        graph: emulator.origin,
        authority: emulator.origin,
        tenant: emulator.tenant.id,
        domain: emulator.tenant.domain,
        'client-id': emulator.tenant.defaultApp.clientId,
        'client-secret': emulator.tenant.defaultApp.secret,
        'ca-cert': emulator.caCertFile,
        users: emulator.tenant.count(),
        control: `${emulator.origin}/_emulator`,
        'started-in-ms': Date.now() - started,
      };
      if (flags.json) console.log(JSON.stringify(info));
      else for (const [key, value] of Object.entries(info)) console.log(`${key}: ${value}`);

      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await emulator.close();
    });
}
