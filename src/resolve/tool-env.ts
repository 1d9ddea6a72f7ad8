// The builder's tool environment (pinned pip and uv) as the phases get it: made in one place, whichever phase needs
// it first (resolve, or inject when --skip-resolve skipped resolve), with the index access both tools share.

import { join } from 'node:path';
import { type ErrorCode, PhaseError } from '../errors.js';
import type { Job } from '../job.js';
import { TEMPLATES_DIR } from '../paths.js';
import type { Logger } from '../report/logger.js';
import { ensurePipVenv, type PipVenv, PipVenvError } from '../tools/pip-venv.js';
import type { PipSetup } from './resolve-set.js';
import { type ToolAccess, toolAccess } from './tool-access.js';

/** fl-templates/checks/pip_for_target.py: pip with the target python's markers. */
export const PIP_SHIM = join(TEMPLATES_DIR, 'checks', 'pip_for_target.py');

/** How a phase that needs the tools fails when they cannot be made. */
export interface ToolFailure {
  readonly code: ErrorCode;
  /** What else the operator can do (`, or build without this check with --skip-resolve`). */
  readonly advice: string;
}

/** The index access and the environment made (or found) for it. */
export interface ToolEnvironment {
  readonly access: ToolAccess;
  readonly venv: PipVenv;
}

/** Makes the tool environment when it is missing or outdated; the calling phase's signal carries its time limit. */
export async function toolEnvironment(job: Job, failure: ToolFailure, log: Logger): Promise<ToolEnvironment> {
  const access = await toolAccess(job);
  try {
    const venv = await ensurePipVenv({
      dir: job.config.pipVenv,
      env: access.env,
      index: access.index,
      certFile: access.certFile,
      signal: job.signal,
    });
    if (venv.created) log.info({ venv: job.config.pipVenv, pip_version: venv.pipVersion }, 'Made the tool environment');
    return { access, venv };
  } catch (error) {
    if (!(error instanceof PipVenvError)) throw error;
    throw new PhaseError(failure.code, `${error.message}. Set FLOPS_PIP_VENV to a writable folder${failure.advice}.`, {
      cause: error,
    });
  }
}

/** How resolve runs pip: the environment's python with the shim, pip's lines into the log. */
export function pipSetup(tools: ToolEnvironment, signal: AbortSignal, log: Logger): PipSetup {
  return {
    python: tools.venv.python,
    shim: PIP_SHIM,
    env: tools.access.env,
    index: tools.access.index,
    certFile: tools.access.certFile,
    signal,
    onLine: (line) => {
      if (/^(WARNING|ERROR|INFO):/.test(line)) log.info({ pip: line }, 'pip');
      else log.debug({ pip: line }, 'pip');
    },
  };
}
