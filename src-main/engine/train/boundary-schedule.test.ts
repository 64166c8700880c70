import { describe, expect, it } from 'vitest';
import { boundarySchedule } from './boundary-schedule';

/** A clock the test moves by hand. */
function manualClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('boundarySchedule', () => {
  it('without a time share, is due every K steps from step 0', () => {
    const schedule = boundarySchedule({ every: 4 });
    const due = Array.from({ length: 13 }, (_, step) => step).filter((s) => schedule.due(s));
    expect(due).toEqual([0, 4, 8, 12]);
  });

  it('is never due when K is 0, even when forced', () => {
    const schedule = boundarySchedule({ every: 0, maxShare: 0.1 });
    expect(schedule.due(0)).toBe(false);
    expect(schedule.due(0, true)).toBe(false);
  });

  it('keeps boundaries under the share: a 30 ms boundary with 10 ms steps comes every 27+ steps, not every 4', () => {
    const clock = manualClock();
    const schedule = boundarySchedule({ every: 4, maxShare: 0.1, now: clock.now });
    const boundarySteps: number[] = [];
    for (let step = 0; step < 400; step++) {
      clock.advance(10); // the step
      if (schedule.due(step)) {
        boundarySteps.push(step);
        schedule.measure(() => clock.advance(30));
      }
    }
    expect(boundarySteps[0]).toBe(0);
    const gaps = boundarySteps.slice(1).map((s, i) => s - boundarySteps[i]);
    // gap ≥ 30 · (1/0.1 − 1) = 270 ms of steps = 27 steps, rounded up to a multiple of 4.
    expect(new Set(gaps)).toEqual(new Set([28]));
    // After the first boundary (its cost unknown until measured), the share holds.
    const sinceFirst = clock.now() - (10 + 30);
    expect(((boundarySteps.length - 1) * 30) / sinceFirst).toBeLessThanOrEqual(0.1);
  });

  it('leaves a cheap boundary at every K steps', () => {
    const clock = manualClock();
    const schedule = boundarySchedule({ every: 4, maxShare: 0.1, now: clock.now });
    const boundarySteps: number[] = [];
    for (let step = 0; step < 20; step++) {
      clock.advance(10);
      if (schedule.due(step)) {
        boundarySteps.push(step);
        schedule.measure(() => clock.advance(2)); // 2 ms: 2·9 = 18 ms ≤ 4 steps of 10 ms
      }
    }
    expect(boundarySteps).toEqual([0, 4, 8, 12, 16]);
  });

  it('a forced boundary (a single step, the last step) comes whatever the share', () => {
    const clock = manualClock();
    const schedule = boundarySchedule({ every: 4, maxShare: 0.1, now: clock.now });
    schedule.measure(() => clock.advance(100));
    expect(schedule.due(4)).toBe(false);
    expect(schedule.due(5, true)).toBe(true);
  });

  it('refuses a share outside (0, 1]', () => {
    expect(() => boundarySchedule({ every: 4, maxShare: 0 })).toThrow(/share/);
    expect(() => boundarySchedule({ every: 4, maxShare: 1.5 })).toThrow(/share/);
  });
});
