import { afterEach, describe, expect, it, vi } from 'vitest';
import { settleOrStop, startTimeLimit, waitAtMost } from '../../src/time-limit.js';

describe('startTimeLimit', () => {
  it('aborts with its own reason when the time passes', async () => {
    const limit = startTimeLimit(new AbortController().signal, 20, () => new Error('too slow'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(limit.signal.aborted).toBe(true);
    expect((limit.signal.reason as Error).message).toBe('too slow');
  });

  it("aborts with the parent's reason when the parent aborts first, and not at all once cleared", async () => {
    const parent = new AbortController();
    const limit = startTimeLimit(parent.signal, 10_000, () => new Error('too slow'));
    parent.abort(new Error('received SIGTERM'));
    expect((limit.signal.reason as Error).message).toBe('received SIGTERM');
    const cleared = startTimeLimit(new AbortController().signal, 10, () => new Error('too slow'));
    cleared.clear();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(cleared.signal.aborted).toBe(false);
  });
});

describe('settleOrStop', () => {
  it('passes a result or an error through when the signal stays quiet', async () => {
    const signal = new AbortController().signal;
    await expect(settleOrStop(Promise.resolve(42), signal, 10)).resolves.toBe(42);
    await expect(settleOrStop(Promise.reject(new Error('boom')), signal, 10)).rejects.toThrow('boom');
  });

  it('rejects with the reason after the grace period when the work ignores the abort', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const stopped = settleOrStop(new Promise(() => undefined), controller.signal, 50);
    controller.abort(new Error('received SIGTERM'));
    await expect(stopped).rejects.toThrow('received SIGTERM');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('waits for work that winds down within the grace period, then rejects with the reason', async () => {
    const controller = new AbortController();
    let woundDown = false;
    const work = new Promise((_, reject) =>
      controller.signal.addEventListener('abort', () =>
        setTimeout(() => {
          woundDown = true;
          reject(new Error('killed'));
        }, 20),
      ),
    );
    const stopped = settleOrStop(work, controller.signal, 5_000);
    controller.abort(new Error('received SIGINT'));
    await expect(stopped).rejects.toThrow('received SIGINT');
    expect(woundDown).toBe(true);
  });
});

describe('waitAtMost', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says true when the promise resolves in time, and leaves no timer behind', async () => {
    vi.useFakeTimers();
    await expect(waitAtMost(Promise.resolve('done'), 1_000)).resolves.toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('says false when the time runs out first, and not before', async () => {
    vi.useFakeTimers();
    let answer: boolean | undefined;
    void waitAtMost(new Promise(() => undefined), 1_000).then((value) => (answer = value));
    await vi.advanceTimersByTimeAsync(999);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer).toBe(false);
  });

  it('rejects as the promise does when it rejects first, and leaves no timer behind', async () => {
    vi.useFakeTimers();
    await expect(waitAtMost(Promise.reject(new Error('boom')), 1_000)).rejects.toThrow('boom');
    expect(vi.getTimerCount()).toBe(0);
  });
});
