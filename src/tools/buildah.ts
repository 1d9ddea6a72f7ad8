// The one place that runs buildah: its environment, its time limits, and its failures turned into phase errors.

import { CommandError, type ErrorCode, PhaseError } from '../errors.js';
import { buildahMountArgs, buildahUnshareArgs } from './buildah-args.js';
import { type RunResult, run } from './exec.js';

/** How one buildah command runs. */
export interface BuildahCall {
  /** A limit shorter than the phase's, whose own limit arrives through `signal`. */
  readonly timeoutMs?: number;
  readonly signal: AbortSignal;
  /** Called with every line buildah writes (build progress). */
  readonly onLine?: (line: string) => void;
}

/** Runs buildah with the job's environment: the host's essentials and, for a plain-HTTP registry, our registries.conf. */
export class Buildah {
  readonly env: Readonly<Record<string, string>>;

  constructor(
    toolEnv: Readonly<Record<string, string>>,
    registriesConf: string | undefined,
    private readonly cwd: string,
  ) {
    this.env = { ...toolEnv, ...(registriesConf ? { CONTAINERS_REGISTRIES_CONF: registriesConf } : {}) };
  }

  /** Runs `buildah args…`; a failure is a CommandError carrying the tail of its stderr. */
  run(args: readonly string[], call: BuildahCall): Promise<RunResult> {
    return run('buildah', args, { cwd: this.cwd, env: this.env, ...call });
  }

  /**
   * Runs `command` (no shell) with each container of `mounts` mounted, its path in the environment variable that
   * names it: directly as root, inside `buildah unshare --mount` otherwise (a rootless buildah mounts only in its user
   * namespace); `buildah unshare` as root fails on some kernels. `buildah rm` unmounts.
   */
  async runMounted(
    mounts: Readonly<Record<string, string>>,
    command: readonly [string, ...string[]],
    call: BuildahCall,
  ): Promise<RunResult> {
    if (process.getuid?.() !== 0) return this.run(buildahUnshareArgs(command, mounts), call);
    const paths: Record<string, string> = {};
    for (const [variable, container] of Object.entries(mounts)) {
      paths[variable] = (await this.run(buildahMountArgs(container), call)).stdout.trim();
    }
    const [file, ...args] = command;
    return run(file, args, { cwd: this.cwd, env: { ...this.env, ...paths }, ...call });
  }

  /**
   * Runs `buildah args…`; a command that fails (not one that timed out or was cancelled, which the pipeline reports
   * itself) becomes a PhaseError with `code` and a message naming `what` and quoting buildah's last lines.
   */
  async runOr(code: ErrorCode, what: string, args: readonly string[], call: BuildahCall): Promise<RunResult> {
    try {
      return await this.run(args, call);
    } catch (error) {
      if (!(error instanceof CommandError) || error.timedOut || error.cancelled) throw error;
      throw new PhaseError(code, `${what} failed: ${error.stderrTail}`, { cause: error });
    }
  }
}
