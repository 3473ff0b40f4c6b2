import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  credentialBackoffMinutes,
  FIRST_RUN_WINDOW_MS,
  firstRunAt,
  nextRunAfterDue,
  nextRunAfterFailureChange,
  phaseOffsetMs,
  scheduleStatus,
  slotAtOrAfter,
  type ScheduleInput,
} from './schedule.ts';

const MIN = 60_000;
const now = new Date('2026-03-02T10:00:00.000Z');
const input = (over: Partial<ScheduleInput> = {}): ScheduleInput => ({
  integrationId: '0b9f4a52-93a4-4d8a-9f3e-2a0c3f1f7d11',
  intervalMinutes: 60,
  credentialFailures: 0,
  ...over,
});
const arbInput = fc.record({
  integrationId: fc.uuid(),
  intervalMinutes: fc.integer({ min: 5, max: 1440 }),
  credentialFailures: fc.integer({ min: 0, max: 10 }),
});
const arbDate = fc.date({
  min: new Date('2020-01-01T00:00:00Z'),
  max: new Date('2035-01-01T00:00:00Z'),
  noInvalidDate: true,
});

describe('credential back-off', () => {
  it('is 0, 1 h, 6 h, then 24 h for every further failure', () => {
    expect([0, 1, 2, 3, 4, 50].map(credentialBackoffMinutes)).toEqual([
      0, 60, 360, 1440, 1440, 1440,
    ]);
  });

  it('shows needs-attention exactly while there are credential failures', () => {
    expect(scheduleStatus(0)).toBe('ok');
    expect(scheduleStatus(1)).toBe('needs-attention');
    expect(scheduleStatus(7)).toBe('needs-attention');
  });
});

describe('grid slots', () => {
  it('lands on the integration phase, at or after `from`, less than one interval later', () => {
    fc.assert(
      fc.property(arbInput, arbDate, (s, from) => {
        const slot = slotAtOrAfter(s.integrationId, s.intervalMinutes, from);
        const interval = s.intervalMinutes * MIN;
        expect(slot.getTime()).toBeGreaterThanOrEqual(from.getTime());
        expect(slot.getTime() - from.getTime()).toBeLessThan(interval);
        expect(slot.getTime() % interval).toBe(phaseOffsetMs(s.integrationId, s.intervalMinutes));
      }),
    );
  });

  it('keeps a stable phase per integration and spreads many integrations over the hour', () => {
    const id = randomUUID();
    expect(phaseOffsetMs(id, 60)).toBe(phaseOffsetMs(id, 60));
    const buckets = new Array<number>(12).fill(0);
    for (let i = 0; i < 6000; i++) {
      const phase = phaseOffsetMs(randomUUID(), 60);
      expect(phase).toBeGreaterThanOrEqual(0);
      expect(phase).toBeLessThan(60 * MIN);
      buckets[Math.floor(phase / (5 * MIN))]! += 1;
    }
    // 500 expected per five-minute bucket: no second of the hour gets a crowd.
    for (const b of buckets) expect(b).toBeGreaterThan(350);
    for (const b of buckets) expect(b).toBeLessThan(650);
  });
});

describe('first run', () => {
  it('happens within a minute, jittered per integration', () => {
    const times = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const at = firstRunAt(randomUUID(), now).getTime() - now.getTime();
      expect(at).toBeGreaterThanOrEqual(0);
      expect(at).toBeLessThan(FIRST_RUN_WINDOW_MS);
      times.add(at);
    }
    expect(times.size).toBeGreaterThan(150);
  });
});

describe('next run after a due run', () => {
  it('is exactly one interval later when the run was claimed on time', () => {
    fc.assert(
      fc.property(arbInput, arbDate, fc.integer({ min: 0, max: 30_000 }), (s0, at, lateMs) => {
        const s = { ...s0, credentialFailures: 0 };
        const due = slotAtOrAfter(s.integrationId, s.intervalMinutes, at);
        const next = nextRunAfterDue(s, due, new Date(due.getTime() + lateMs));
        expect(next.getTime() - due.getTime()).toBe(s.intervalMinutes * MIN);
      }),
    );
  });

  it('keeps at least half an interval and at most one and a half after any claim', () => {
    fc.assert(
      fc.property(arbInput, arbDate, arbDate, (s0, due, claimed) => {
        const s = { ...s0, credentialFailures: 0 };
        const next = nextRunAfterDue(s, due, claimed).getTime();
        const base = Math.max(due.getTime(), claimed.getTime());
        expect(next - base).toBeGreaterThanOrEqual((s.intervalMinutes * MIN) / 2);
        expect(next - base).toBeLessThan(1.5 * s.intervalMinutes * MIN);
      }),
    );
  });

  it('after a long pause of the scheduler runs once, then rejoins the grid (no burst)', () => {
    const s = input();
    const due = new Date('2026-03-01T00:00:00.000Z');
    const next = nextRunAfterDue(s, due, now);
    expect(next.getTime()).toBeGreaterThan(now.getTime());
  });

  it('backs off on credential failures, never sooner than the interval', () => {
    fc.assert(
      fc.property(arbInput, arbDate, (s, due) => {
        fc.pre(s.credentialFailures > 0);
        const gap = nextRunAfterDue(s, due, due).getTime() - due.getTime();
        const wait = Math.max(s.intervalMinutes, credentialBackoffMinutes(s.credentialFailures));
        expect(gap).toBeGreaterThanOrEqual(wait * MIN);
        expect(gap).toBeLessThan((wait + s.intervalMinutes) * MIN);
      }),
    );
    const due = now;
    const gapHours = (f: number, interval = 60) =>
      (nextRunAfterDue(
        input({ credentialFailures: f, intervalMinutes: interval }),
        due,
        due,
      ).getTime() -
        due.getTime()) /
      3_600_000;
    expect(gapHours(1)).toBeGreaterThanOrEqual(1);
    expect(gapHours(1)).toBeLessThan(2);
    expect(gapHours(2)).toBeGreaterThanOrEqual(6);
    expect(gapHours(2)).toBeLessThan(7);
    expect(gapHours(3)).toBeGreaterThanOrEqual(24);
    expect(gapHours(9)).toBeLessThan(25);
    // An interval longer than the back-off wins: never sooner than the interval.
    expect(gapHours(1, 720)).toBeGreaterThanOrEqual(12);
  });
});

describe('next run after the credential failure count changed', () => {
  it('backs off from now when a run failed on credentials', () => {
    const next = nextRunAfterFailureChange(input({ credentialFailures: 2 }), now, false);
    expect(next.getTime() - now.getTime()).toBeGreaterThanOrEqual(6 * 3_600_000);
  });

  it('resumes within a minute when the settings were fixed (last run failed)', () => {
    const next = nextRunAfterFailureChange(input(), now, false);
    expect(next.getTime() - now.getTime()).toBeLessThan(FIRST_RUN_WINDOW_MS);
  });

  it('returns to the normal rhythm when a run succeeded again', () => {
    const s = input();
    const next = nextRunAfterFailureChange(s, now, true);
    expect(next.getTime() - now.getTime()).toBeGreaterThanOrEqual(30 * MIN);
    expect(next.getTime() - now.getTime()).toBeLessThan(90 * MIN);
    expect(next.getTime() % (60 * MIN)).toBe(phaseOffsetMs(s.integrationId, 60));
  });
});
