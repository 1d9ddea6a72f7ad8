// whilePullingBase against a fake buildah and registry (the boundaries): the base for the build's platform is pulled
// by digest beside the work; a failed pull is only a warning; failed work stops the pull instead of waiting for it.

import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { CommandError } from '../../../src/errors.js';
import { whilePullingBase } from '../../../src/images/base-warmup.js';
import type { Job } from '../../../src/job.js';
import { hostPlatform } from '../../../src/platforms.js';

const BASE = 'r:5000/library/python:3.11-slim';
const always = () => true;
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('whilePullingBase', () => {
  /** buildah's arguments, call by call, and what each pull sees of its signal when it ends. */
  let calls: string[][];
  let pull: (signal: AbortSignal) => Promise<void>;
  let warnings: string[];
  let job: Job;

  beforeEach(() => {
    calls = [];
    warnings = [];
    pull = async () => undefined;
    const platformImage = async (_repository: string, _reference: string, platform: string) =>
      platform === hostPlatform().platform ? { digest: DIGEST, manifest: {}, config: {} } : undefined;
    job = {
      signal: new AbortController().signal,
      config: { registry: { hostPort: 'r:5000', tls: false }, dryRun: false },
      registryAccess: { authFile: '/run/auth.json', certDir: undefined },
      registry: { platformImage },
      buildah: {
        run: async (args: readonly string[], call: { signal: AbortSignal }) => {
          calls.push([...args]);
          await pull(call.signal);
          return { stdout: '', stderr: '' };
        },
      },
    } as unknown as Job;
  });

  const log = () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => void warnings.push(line) });
    return logger;
  };

  /** A pull that runs until its signal stops it, failing then as a cancelled buildah does. */
  const pullUntilStopped = () => {
    let stopped = false;
    pull = (signal) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          stopped = true;
          reject(new CommandError('buildah', undefined, 'SIGTERM', false, true, '', 5));
        });
      });
    return { stopped: () => stopped };
  };

  it('pulls the build platform’s base by digest while the work runs, and returns the work’s result', async () => {
    let pulled = false;
    pull = async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      pulled = true;
    };
    const result = await whilePullingBase(job, BASE, log(), async () => 'locked', always);
    expect(result).toBe('locked');
    expect(pulled).toBe(true);
    expect(calls).toEqual([
      ['pull', '--quiet', '--authfile', '/run/auth.json', '--', `docker://r:5000/library/python@${DIGEST}`],
    ]);
  });

  it('logs a failed pull as a warning and still returns the work’s result', async () => {
    pull = async () => {
      throw new CommandError('buildah', 125, undefined, false, false, 'manifest unknown', 5);
    };
    expect(await whilePullingBase(job, BASE, log(), async () => 'locked', always)).toBe('locked');
    expect(warnings.some((line) => line.includes('Could not pull the base image ahead of the build'))).toBe(true);
  });

  it('stops the pull when the work fails, and throws the work’s error', async () => {
    const pulling = pullUntilStopped();
    const failing = whilePullingBase(
      job,
      BASE,
      log(),
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new Error('conflict');
      },
      always,
    );
    await expect(failing).rejects.toThrow('conflict');
    expect(pulling.stopped()).toBe(true);
    expect(warnings.some((line) => line.includes('Could not pull'))).toBe(false);
  });

  it('pulls nothing in a dry run or without a base', async () => {
    const dry = { ...job, config: { ...job.config, dryRun: true } } as Job;
    expect(await whilePullingBase(dry, BASE, log(), async () => 1, always)).toBe(1);
    expect(await whilePullingBase(job, undefined, log(), async () => 2, always)).toBe(2);
    expect(calls).toEqual([]);
  });

  it('stops the pull when the work’s result needs no install (every lock reused), and still returns it', async () => {
    const pulling = pullUntilStopped();
    const work = async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return 'reused';
    };
    const reused = await whilePullingBase(job, BASE, log(), work, (result) => result !== 'reused');
    expect(reused).toBe('reused');
    expect(pulling.stopped()).toBe(true);
    expect(warnings.some((line) => line.includes('Could not pull'))).toBe(false);
  });
});
