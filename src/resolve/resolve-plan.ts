// What the resolve phase does: lock every platform of a pip plan (reusing earlier locks), or on the conda path only
// check the pip part with pip, since conda resolves its own packages in the build.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { builderPins, constraintsFileLines } from '../deps/install-set.js';
import { differences } from '../deps/lock.js';
import { requirementName } from '../deps/requirement-name.js';
import type { Job } from '../job.js';
import { hostPlatform, type PlatformInfo } from '../platforms.js';
import type { Logger } from '../report/logger.js';
import { UV_VERSION } from '../tools/uv-args.js';
import type { ExplainContext } from './explain.js';
import { lockPlatform } from './lock-platform.js';
import { earlierLock } from './lock-reuse.js';
import { checkWithPip, planSet } from './pip-check.js';
import type { PlatformLock } from './platform-lock.js';
import type { ResolveInput, ResolveResult } from './result.js';
import { pipSetup, toolEnvironment } from './tool-env.js';
import { type LockRequest, lockInputsHash, type UvSetup } from './uv-lock.js';

/** Locks every platform, the first one first: the others are pinned to its versions wherever their wheels allow. */
export async function resolvePlan(job: Job, input: ResolveInput, log: Logger): Promise<ResolveResult> {
  const { plan } = input;
  const workDir = join(job.workdir, 'resolve');
  await mkdir(workDir, { recursive: true });
  const advice = ', or build without this check with --skip-resolve';
  const tools = await toolEnvironment(job, { code: 'RESOLVE_FAILED', advice }, log);
  const { access, venv } = tools;
  const pip = pipSetup(tools, job.signal, log);
  const host = hostPlatform();
  const { platforms } = job.config;
  const context = (platform: PlatformInfo): ExplainContext => ({
    python: plan.python,
    architecture: platform.architecture,
    envFile: input.envFile,
    flwrVersion: plan.flwrVersion,
    indexUrl: access.index.indexUrl,
    builderProjects: ['flwr', 'paho-mqtt', 'mlflow'],
  });

  if (plan.installer === 'conda') {
    // conda resolves its own packages in the build; conda's channels cannot be reached or locked here.
    const checked = await checkWithPip(
      planSet(plan, plan.aggregatorPins),
      host.architecture,
      context(host),
      workDir,
      pip,
    );
    const condaPackages = (plan.condaEnvironment?.dependencies ?? []).filter((spec) => !/^(python|pip)\b/.test(spec));
    const condaNote = condaPackages.length > 0 ? [`${condaPackages.join(', ')}: not locked (conda installs them)`] : [];
    const notChecked = [...checked.notChecked, ...condaNote];
    return {
      verified: notChecked.length === 0,
      python: plan.python,
      locks: [],
      checkedPackages: checked.packages,
      notChecked,
      notes: [],
      tool: `pip ${venv.pipVersion} (conda path, not locked)`,
    };
  }

  const uv: UvSetup = { uv: venv.uv, env: access.env, index: access.index, signal: job.signal };
  let request: LockRequest = {
    requirements: [...plan.requirements, ...builderPins(plan)],
    pipOptions: plan.pipOptions,
    constraints: constraintsFileLines(plan),
    extras: plan.aggregatorPins,
    python: plan.python,
    workDir,
  };
  const builderNames = new Set(builderPins(plan).map((line) => requirementName(line)));
  const locks: PlatformLock[] = [];
  const notChecked: string[] = [];
  const notes: string[] = [];
  // Reuse is keyed on what the repo and the builder asked for, not on what a fallback below changed.
  const asked = request;
  for (const platform of platforms) {
    const first = locks[0];
    const inputsHash = lockInputsHash(asked, platform.machine, access.index);
    const found = await earlierLock(job, input, platform, inputsHash);
    if (found !== undefined) {
      locks.push({ ...found, differs: first ? differences(first.base, found.base) : [], inputsHash });
      notes.push(...found.moved);
      log.info({ platform: platform.platform, inputs: inputsHash.slice(0, 12) }, 'Reused the lock of an earlier build');
      continue;
    }
    // pip checks what uv was asked for on this platform (a pin a fallback changed included), not the plan.
    // The builder's own pins (a fallback may have changed Flower's) go beside the file, as the image installs them.
    const explain = async (asked: LockRequest) => {
      const ours = (line: string) => builderNames.has(requirementName(line) ?? '');
      const set = {
        python: asked.python,
        requirements: [...asked.pipOptions, ...asked.requirements.filter((line) => !ours(line))],
        constraints: asked.constraints,
        packages: [...asked.requirements.filter(ours), ...asked.extras],
      };
      const checked = await checkWithPip(set, platform.architecture, context(platform), workDir, pip);
      notChecked.push(...checked.notChecked);
      return checked.notCheckedItems;
    };
    const wheels = { pip, python: plan.python, workDir, sources: plan.sources };
    const tools = { uv, explain, wheels, snapshot: plan.snapshot !== undefined };
    const made = await lockPlatform(request, platform, first, tools);
    const { note, request: used, ...lock } = made;
    if (note !== undefined) notes.push(note);
    request = used;
    locks.push({ ...lock, inputsHash, reused: false });
  }
  return {
    verified: notChecked.length === 0 && locks.every((lock) => lock.unlocked.length === 0),
    python: plan.python,
    locks,
    checkedPackages: [],
    notChecked: [...new Set(notChecked)],
    notes,
    tool: `uv ${UV_VERSION}`,
  };
}
