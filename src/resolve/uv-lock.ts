// Locks one target (python and platform) with uv: the base set every image gets, and the extra packages of the
// aggregator's own layer, resolved together so that both hold the same versions of what they share.

import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pRetry from 'p-retry';
import { type Lock, pins, readLock, without } from '../deps/lock.js';
import { CommandError } from '../errors.js';
import { run } from '../tools/exec.js';
import type { PipIndex } from '../tools/pip-args.js';
import { isTransientTransferError } from '../tools/transient.js';
import { LOCK_GLIBC_MINOR, UV_VERSION, uvCompileArgs } from '../tools/uv-args.js';

/** How to run uv. */
export interface UvSetup {
  readonly uv: string;
  /** PATH, HOME, proxies, NETRC, SSL_CERT_FILE: the whole environment uv gets. */
  readonly env: Readonly<Record<string, string>>;
  readonly index: PipIndex;
  /** The resolve phase's: it carries the phase's time limit, so no uv call repeats it. */
  readonly signal: AbortSignal;
}

/** What a target's images install. */
export interface LockRequest {
  /** PEP 508 lines of the repo (patched) and of the builder (Flower, paho-mqtt…). */
  readonly requirements: readonly string[];
  /** The repo's pip option lines (extra indexes). */
  readonly pipOptions: readonly string[];
  /** The repo's `-c` lines. */
  readonly constraints: readonly string[];
  /** What only the aggregator installs on top (the MLflow client); empty for one-image plans. */
  readonly extras: readonly string[];
  readonly python: string;
  readonly workDir: string;
}

/** A target's locks: the base set, and the extras' own packages (empty when there are no extras). */
export interface TargetLock {
  readonly base: Lock;
  readonly extras: Lock;
}

export type LockAttempt =
  | ({ readonly ok: true } & TargetLock)
  | {
      readonly ok: false;
      /** uv's explanation, its last lines. */
      readonly detail: string;
      /**
       * uv read the index and found that no versions fit. Only then may resolve change what it asked for (an older
       * Flower, the aggregator's MLflow): any other failure (the index unreachable, a TLS error) says nothing about
       * the versions, and a change made on it would be silent and wrong.
       */
      readonly unsatisfiable: boolean;
      /** Packages uv found no wheel for (it never builds a source release on the builder). */
      readonly sourceOnly: readonly string[];
    };

/**
 * The inputs that decide a target's locks: while they are unchanged, a lock made before is reused, so new releases
 * on the index never turn a code-only change into a dependency rebuild.
 */
export function lockInputsHash(request: LockRequest, machine: string, index: PipIndex): string {
  const inputs = {
    format: `uv ${UV_VERSION}, manylinux_2_${LOCK_GLIBC_MINOR}`,
    requirements: request.requirements,
    pipOptions: request.pipOptions,
    constraints: request.constraints,
    extras: request.extras,
    python: request.python,
    machine,
    index: { url: index.indexUrl, extra: index.extraIndexUrls },
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

/** Retries of one uv run whose index read failed for now, waiting 2 then 4 s (uv has retried each request already). */
export const INDEX_RETRY = Object.freeze({ retries: 2, factor: 2, minTimeout: 2000, randomize: false });

/** uv's answer that no set of versions satisfies the request, as opposed to a failure to find out. */
export function isUnsatisfiable(stderr: string): boolean {
  return /No solution found when resolving dependencies/i.test(stderr);
}

/**
 * Resolves base plus extras first (what the aggregator installs), then the base alone constrained to those versions,
 * so the base is the same in both images and the extras are only the difference. `alsoPin` constrains the versions
 * further (another platform's lock, so the platforms agree wherever the index allows).
 */
export async function lockTarget(
  request: LockRequest,
  machine: string,
  alsoPin: readonly string[],
  uv: UvSetup,
): Promise<LockAttempt> {
  const file = (name: string): string => join(request.workDir, `${machine}-${name}`);
  const constraints = [file('constraints.txt')];
  await writeFile(constraints[0] as string, lines([...request.constraints, ...alsoPin]));
  const compile = async (name: string, requirements: readonly string[], moreConstraints: readonly string[]) => {
    const input = file(`${name}.in`);
    const output = file(`${name}.txt`);
    await writeFile(input, lines(requirements));
    const extra = moreConstraints.length > 0 ? [file(`${name}-constraints.txt`)] : [];
    if (extra[0] !== undefined) await writeFile(extra[0], lines(moreConstraints));
    const args = uvCompileArgs({
      input,
      output,
      constraints: [...constraints, ...extra],
      python: request.python,
      machine,
      index: uv.index,
      pipOptions: request.pipOptions,
    });
    const once = () => run(uv.uv, args, { cwd: request.workDir, env: uv.env, signal: uv.signal });
    await pRetry(once, { ...INDEX_RETRY, signal: uv.signal, shouldRetry: ({ error }) => isTransientIndexError(error) });
    return readLock(await readFile(output, 'utf8'));
  };
  try {
    if (request.extras.length === 0) {
      const base = await compile('base', request.requirements, []);
      return { ok: true, base, extras: readLock('') };
    }
    const whole = await compile('whole', [...request.requirements, ...request.extras], []);
    const base = await compile('base', request.requirements, pins(whole));
    return { ok: true, base, extras: without(whole, base) };
  } catch (error) {
    if (!(error instanceof CommandError) || error.timedOut || error.cancelled || error.exitCode === undefined)
      throw error;
    const sourceOnly = [...error.stderrTail.matchAll(/Wheels are required for `([^`]+)`/g)].map(
      (match) => match[1] ?? '',
    );
    return { ok: false, detail: error.stderrTail, sourceOnly, unsatisfiable: isUnsatisfiable(error.stderrTail) };
  }
}

function isTransientIndexError(error: Error): boolean {
  return (
    error instanceof CommandError &&
    !error.timedOut &&
    !error.cancelled &&
    !isUnsatisfiable(error.stderrTail) &&
    isTransientTransferError(error.stderrTail)
  );
}

function lines(items: readonly string[]): string {
  return items.map((line) => `${line}\n`).join('');
}
