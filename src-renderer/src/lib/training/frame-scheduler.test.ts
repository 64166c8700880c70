import { describe, expect, it } from 'vitest';
import { createFrameScheduler } from './frame-scheduler';

/** A scheduler on frames the test runs by hand. */
function manual() {
  const callbacks: (() => void)[] = [];
  const scheduler = createFrameScheduler({ requestFrame: (callback) => void callbacks.push(callback) });
  return {
    scheduler,
    frame: () => callbacks.splice(0).forEach((callback) => callback()),
    asked: () => callbacks.length,
  };
}

describe('frame scheduler', () => {
  it('runs one job per frame, first asked first, each once however often it was asked', () => {
    const { scheduler, frame } = manual();
    const log: string[] = [];
    const flush = () => log.push('flush');
    const chart = () => log.push('chart');
    scheduler.request(flush);
    scheduler.request(chart);
    scheduler.request(flush);
    frame();
    expect(log).toEqual(['flush']);
    frame();
    expect(log).toEqual(['flush', 'chart']);
    frame();
    expect(log).toEqual(['flush', 'chart']);
  });

  it('asks for a frame only while there is work, and forgets cancelled jobs', () => {
    const { scheduler, frame, asked } = manual();
    const log: string[] = [];
    const job = () => log.push('job');
    expect(asked()).toBe(0);
    scheduler.request(job);
    scheduler.request(job);
    expect(asked()).toBe(1);
    scheduler.cancel(job);
    frame();
    expect(log).toEqual([]);
    expect(asked()).toBe(0);
  });

  it('runs a job asked for during a frame in a later frame', () => {
    const { scheduler, frame } = manual();
    const log: string[] = [];
    const again = () => {
      log.push('again');
      if (log.length < 3) scheduler.request(again);
    };
    scheduler.request(again);
    frame();
    frame();
    frame();
    frame();
    expect(log).toEqual(['again', 'again', 'again']);
  });

  it('keeps serving frames after a job throws', () => {
    const { scheduler, frame } = manual();
    const log: string[] = [];
    const original = console.error;
    console.error = () => {};
    try {
      scheduler.request(() => {
        throw new Error('a broken view');
      });
      scheduler.request(() => log.push('next'));
      frame();
      frame();
    } finally {
      console.error = original;
    }
    expect(log).toEqual(['next']);
  });
});
