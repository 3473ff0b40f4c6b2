import { AppError } from '../errors.ts';
import { groupPermissionError } from './groups.ts';
import type { GraphGet } from './graph-request.ts';
import { parseEnvelope } from './parse-users.ts';
import type { TokenProvider } from './token.ts';
import type { ConnectionStep, ConnectionTestResult } from './types.ts';
import { getUser } from './users.ts';

/** What Test connection talks to. */
export interface ConnectionTestDeps {
  tokens: TokenProvider;
  get: GraphGet;
}

type StepName = Exclude<ConnectionStep['name'], 'notifications'>;
const USER_STEPS = ['token', 'permission', 'read-user'] as const;
const STEPS: readonly StepName[] = USER_STEPS;

/**
 * token → permission (`GET /users?$top=1&$select=id`) → read that user with the full
 * `$select`. Stops at the first failure, explains it, and marks later steps as not run.
 * Never throws for upstream failures: they are the answer.
 */
export async function testConnection(
  deps: ConnectionTestDeps,
  options: { groups?: boolean } = {},
): Promise<ConnectionTestResult> {
  const steps: ConnectionStep[] = [];
  let firstUserId: string | null = null;
  const run: Record<StepName, () => Promise<string>> = {
    token: async () => {
      await deps.tokens.getToken({ forceRefresh: true });
      return 'Signed in with the application ID and secret';
    },
    permission: async () => {
      const res = await deps.get('/v1.0/users?$top=1&$select=id');
      const first = parseEnvelope(res.json)?.value[0];
      firstUserId = isIdHolder(first) ? first.id : null;
      return 'User.Read.All is granted';
    },
    'read-user': async () => {
      if (firstUserId === null) return 'The directory has no users yet; nothing to read';
      const user = await getUser(deps.get, firstUserId);
      if (!user) return 'The first user disappeared while testing; reading users works';
      return `Read ${user.userPrincipalName ?? user.displayName ?? user.id}`;
    },
    // Group scope reads memberships: GroupMember.Read.All (api/group-list-transitivemembers.md).
    'group-permission': async () => {
      try {
        await deps.get('/v1.0/groups?$top=1&$select=id');
      } catch (err) {
        throw groupPermissionError(err);
      }
      return 'GroupMember.Read.All is granted';
    },
  };
  const steps_ = options.groups ? [...STEPS, 'group-permission' as const] : STEPS;
  for (const name of steps_) {
    if (steps.some((s) => !s.ok)) {
      steps.push({ name, ok: false, message: 'Not run: an earlier step failed' });
      continue;
    }
    try {
      steps.push({ name, ok: true, message: await run[name]() });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      steps.push({ name, ok: false, message: err.message });
    }
  }
  return { ok: steps.every((s) => s.ok), steps };
}

function isIdHolder(v: unknown): v is { id: string } {
  return typeof v === 'object' && v !== null && 'id' in v && typeof v.id === 'string';
}
