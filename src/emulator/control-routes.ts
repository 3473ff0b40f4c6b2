import { sendJson, type Exchange } from './exchange.ts';
import type { FaultInjector } from './faults.ts';
import type { RequestLog } from './request-log.ts';
import type { EmulatorState } from './state.ts';

/** What the control API may touch. */
export interface ControlDeps {
  state: EmulatorState;
  faults: FaultInjector;
  log: RequestLog;
  advanceTime(ms: number): void;
}

/** Placeholder until the control API lands. */
export function createControlHandler(_deps: ControlDeps): (ex: Exchange) => Promise<void> {
  return async (ex) =>
    sendJson(ex, 404, { error: { code: 'not_found', message: 'no such route' } });
}
