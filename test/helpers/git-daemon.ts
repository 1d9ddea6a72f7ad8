import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, isListening, LOOPBACK } from './ports.js';
import { spawnService } from './service-process.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';
import { waitUntilReady } from './wait.js';

// `git daemon` is a wrapper that runs this binary as its child; spawning it directly
// means the pid we signal is the daemon itself.
const GIT_DAEMON = '/usr/lib/git-core/git-daemon';

// A running read-only git:// server exporting every repository under baseDir.
export interface TestGitDaemon {
  // Where bare repositories go: <baseDir>/<name>.git is served as urlFor(name).
  readonly baseDir: string;
  readonly port: number;
  // git://127.0.0.1:port/<name>.git, e.g. urlFor("owner/repo").
  urlFor(name: string): string;
  // Stops the daemon, waits for it to exit and deletes baseDir; safe to call twice.
  stop(): Promise<void>;
}

// Starts `git daemon --export-all` on a free loopback port and waits until it accepts.
export async function startGitDaemon(): Promise<TestGitDaemon> {
  const port = await freePort();
  const dir = await makeTempDir('git-daemon');
  const baseDir = join(dir, 'repos');
  const args = [
    '--reuseaddr',
    '--export-all',
    '--informative-errors',
    `--base-path=${baseDir}`,
    `--listen=${LOOPBACK}`,
    `--port=${port}`,
  ];
  await mkdir(baseDir);
  const service = spawnService('git-daemon', GIT_DAEMON, args, { cwd: dir });
  try {
    await waitUntilReady(service, `port ${port} accepts connections`, () => isListening(port));
  } catch (error) {
    await removeTempDir(dir);
    throw error;
  }
  return {
    baseDir,
    port,
    urlFor: (name) => `git://${LOOPBACK}:${port}/${name}.git`,
    async stop() {
      await service.stop();
      await removeTempDir(dir);
    },
  };
}
