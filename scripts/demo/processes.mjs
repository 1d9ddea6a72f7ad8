// Every process and container the demo starts, kept in one list so that one call stops and removes them all,
// on success, failure or Ctrl-C. Services run in their own process group with their output in a log file.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { signalBelow } from './process-tree.mjs';

const STOP_GRACE_MS = 10_000;

export class Processes {
  /** @param {string} logDir where each process's log goes, @param {boolean} keep leave services running at exit */
  constructor(logDir, keep) {
    this.logDir = logDir;
    this.keep = keep;
    this.services = [];
    this.containers = [];
  }

  /** Starts a service; without --keep, setpriv ends it too if the demo is killed outright. */
  service(name, file, args, { env = process.env, cwd = process.cwd() } = {}) {
    const log = join(this.logDir, `${name}.log`);
    const fd = openSync(log, 'a');
    const [command, argv] = this.keep ? [file, args] : ['setpriv', ['--pdeathsig', 'SIGKILL', '--', file, ...args]];
    const child = spawn(command, argv, { cwd, env, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const entry = { name, child, log, exited, done: false };
    void exited.then(() => {
      entry.done = true;
    });
    if (this.keep) child.unref();
    this.services.push(entry);
    return entry;
  }

  /** Starts `command` in a new working container of the local image `ref`, as Oakestra starts FLOps' images. */
  async inImage(name, ref, command, env = {}) {
    // Named, not "<image>-working-container": a builder job ending beside the demo removes containers of that name
    // made during its run (src/leftovers.ts), and would take the demo's learners from under them.
    const unique = `flops-demo-${name}-${process.pid}-${Date.now().toString(36)}`;
    const { stdout: container } = await execa('buildah', ['from', '--pull=never', '--quiet', '--name', unique, ref]);
    const log = join(this.logDir, `${name}.log`);
    const envArgs = Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
    const child = execa(
      'buildah',
      ['run', '--isolation', 'chroot', '--network', 'host', ...envArgs, container, '--', ...command],
      {
        reject: false,
        stdin: 'ignore',
        stdout: { file: log },
        stderr: { file: log },
        detached: true,
      },
    );
    const entry = { name, container, child, log, finished: child.then((result) => result.exitCode) };
    this.containers.push(entry);
    return entry;
  }

  /** SIGTERM to a container's command itself (buildah run would SIGKILL it); resolves with its exit code. */
  async terminate(entry, waitMs = 30_000) {
    await signalBelow(entry.child.pid, 'SIGTERM', 'command');
    const timer = new Promise((resolve) => setTimeout(resolve, waitMs, 'timeout'));
    return Promise.race([entry.finished, timer]);
  }

  /** Ends and removes every container; stops every service unless they are kept. */
  async stopAll() {
    for (const entry of this.containers.splice(0)) {
      await signalBelow(entry.child.pid, 'SIGKILL', 'all');
      entry.child.kill('SIGKILL');
      await entry.finished;
      await execa('buildah', ['rm', entry.container], { reject: false });
    }
    if (this.keep) return;
    for (const entry of this.services.splice(0).reverse()) {
      if (entry.done) continue;
      killGroup(entry.child.pid, 'SIGTERM');
      const stopped = await Promise.race([entry.exited, new Promise((r) => setTimeout(r, STOP_GRACE_MS, false))]);
      if (stopped === false) killGroup(entry.child.pid, 'SIGKILL');
    }
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** True when something accepts a connection on 127.0.0.1:port. */
export function isListening(port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Polls `ready()` until true; fails early, quoting its log, when the service has ended. */
export async function waitUntil(what, ready, { service, timeoutMs = 30_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    if (service?.done) {
      const tail = (await readFile(service.log, 'utf8').catch(() => '')).slice(-2000);
      throw new Error(`${service.name} ended before ${what}; its log (${service.log}) ends:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s${service ? `; see ${service.log}` : ''}`);
}
