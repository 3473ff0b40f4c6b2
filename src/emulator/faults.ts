import { mulberry32, type Random } from './prng.ts';
import type { FaultController, FaultKind, FaultRule, RandomFaultOptions } from './types.ts';

/** A fault chosen for one request. */
export interface FaultDecision {
  kind: FaultKind;
  retryAfter: number | undefined;
  stallMs: number;
}

interface ActiveRule {
  rule: FaultRule;
  pattern: RegExp;
  seen: number;
  fired: number;
}

const DEFAULT_RANDOM_KINDS: readonly FaultKind[] = ['429', '503', '504', 'reset', 'truncated'];
const DEFAULT_STALL_MS = 30_000;

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** A query string as text: `+` and %-escapes decoded; a malformed escape is kept as sent. */
export function decodeQuery(search: string): string {
  const text = search.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Decides which requests fail and how. Pure bookkeeping: the server applies the decision.
 * Scripted rules count only the requests they match, so "the 3rd delta call" means exactly
 * that regardless of token requests in between.
 */
export class FaultInjector implements FaultController {
  private rules: ActiveRule[] = [];
  private rate = 0;
  private random: Random = mulberry32(1);
  private randomOptions: RandomFaultOptions = {};
  private injectedCount = 0;

  setRate(r: number, seed = 1, options: RandomFaultOptions = {}): void {
    if (!(r >= 0 && r <= 1)) throw new Error('fault rate must be between 0 and 1');
    this.rate = r;
    this.random = mulberry32(seed);
    this.randomOptions = options;
  }

  script(rule: FaultRule): void {
    this.rules.push({
      rule,
      pattern: globToRegExp(rule.path ?? '/v1.0/*'),
      seen: 0,
      fired: 0,
    });
  }

  clear(): void {
    this.rules = [];
    this.rate = 0;
  }

  get injected(): number {
    return this.injectedCount;
  }

  /**
   * The fault for this request, if any. `isToken` marks the token endpoint; `query` is the
   * decoded query string (decodeQuery), matched against a rule's `query`.
   */
  decide(method: string, path: string, isToken: boolean, query = ''): FaultDecision | null {
    // Every matching rule counts the request, even when an earlier rule fires on it, so
    // "nth" always means the nth request the rule could see.
    let chosen: ActiveRule | undefined;
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (!active.pattern.test(path)) continue;
      if (rule.query !== undefined && !query.includes(rule.query)) continue;
      active.seen += 1;
      if (!chosen && active.seen >= (rule.nth ?? 1) && active.fired < (rule.times ?? 1)) {
        chosen = active;
      }
    }
    if (chosen) {
      const { rule } = chosen;
      chosen.fired += 1;
      this.rules = this.rules.filter((r) => r.fired < (r.rule.times ?? 1));
      this.injectedCount += 1;
      return {
        kind: rule.kind,
        retryAfter: rule.retryAfter ?? (rule.kind === '429' ? 1 : undefined),
        stallMs: rule.stallMs ?? DEFAULT_STALL_MS,
      };
    }
    if (this.rate <= 0) return null;
    const graph = path.startsWith('/v1.0/');
    if (!graph && !(isToken && this.randomOptions.tokenEndpoint)) return null;
    if (this.random() >= this.rate) return null;
    const kinds = this.randomOptions.kinds ?? DEFAULT_RANDOM_KINDS;
    const kind = kinds[Math.floor(this.random() * kinds.length)] ?? '503';
    this.injectedCount += 1;
    return {
      kind,
      retryAfter: kind === '429' ? (this.randomOptions.retryAfter ?? 0.1) : undefined,
      stallMs: DEFAULT_STALL_MS,
    };
  }
}
