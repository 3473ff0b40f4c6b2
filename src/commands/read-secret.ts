import { createInterface } from 'node:readline';

/**
 * Reads one secret line from standard input (a pipe: `… | azure-user-sync admin create …`,
 * or typed at a terminal after a prompt on stderr). The trailing newline is not part of it.
 */
export async function readSecretLine(prompt: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(prompt);
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}
