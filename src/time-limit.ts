// Time limits as abort signals, so a phase over its limit or a job past its deadline stops like a cancel: every child killed.

/** A signal that aborts with `reason()` after `ms`, or with the parent's reason when the parent aborts first. */
export interface TimeLimit {
  readonly signal: AbortSignal;
  /** Stops the timer (the limit no longer applies); call it when the work is done. */
  clear(): void;
}

/** Starts a time limit of `ms` below `parent`. */
export function startTimeLimit(parent: AbortSignal, ms: number, reason: () => Error): TimeLimit {
  const controller = new AbortController();
  // Not AbortSignal.timeout: its reason is an anonymous TimeoutError, and the message must say which limit passed.
  const timer = setTimeout(() => controller.abort(reason()), ms);
  timer.unref();
  const signal = AbortSignal.any([parent, controller.signal]);
  return { signal, clear: () => clearTimeout(timer) };
}

/**
 * Settles like `work`; when `signal` aborts first, gives `work` up to `graceMs` to wind down (its children get
 * the same signal and are being killed) and then rejects with the signal's reason, so nothing waits on a step
 * that ignores cancellation.
 */
export async function settleOrStop<T>(work: Promise<T>, signal: AbortSignal, graceMs: number): Promise<T> {
  if (signal.aborted) throw signal.reason;
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const first = await Promise.race([
      work.then(
        () => 'settled' as const,
        () => 'settled' as const,
      ),
      aborted,
    ]);
    if (first === 'settled') return await work;
    // The grace period: how `work` ended no longer matters, only that it had its chance to wind down.
    await waitAtMost(
      work.catch(() => undefined),
      graceMs,
    );
    throw signal.reason;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Waits for `promise` at most `ms`: true when it resolved in time, false when the time ran out first; rejects as
 * `promise` does when it rejects first. The timer is cleared either way, so a wait that ended early holds nothing open.
 */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeRanOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeRanOut]);
  } finally {
    clearTimeout(timer);
  }
}
