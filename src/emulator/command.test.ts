import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';

// Runs the real `emulator` command in a child process (the lead wires it into cli.ts; this
// drives registerEmulator through commander directly so it does not depend on that).
const script = `
import { Command } from 'commander';
import { registerEmulator } from './src/commands/emulator.ts';
const program = new Command('azure-user-sync');
registerEmulator(program);
await program.parseAsync(process.argv);
`;

describe('emulator command', () => {
  it('prints its coordinates as JSON, serves HTTPS with the printed CA, stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
        'x',
        'emulator',
        '--users',
        '25',
        '--seed',
        '3',
        '--json',
      ],
      { cwd: new URL('../..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const lines = createInterface({ input: child.stdout });
    const first = await new Promise<string>((resolve) => lines.once('line', resolve));
    const info = JSON.parse(first) as Record<string, string | number>;
    expect(info).toMatchObject({ users: 25, domain: 'contoso.onmicrosoft.com' });
    expect(info.graph).toBe(info.authority);
    for (const key of ['tenant', 'client-id', 'client-secret', 'ca-cert'])
      expect(info[key]).toBeTruthy();

    const agent = new Agent({ connect: { ca: readFileSync(String(info['ca-cert']), 'utf8') } });
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: String(info['client-id']),
      client_secret: String(info['client-secret']),
      scope: `${info.graph}/.default`,
    });
    const res = await request(`${info.authority}/${info.tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      dispatcher: agent,
    });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    await agent.close();

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
