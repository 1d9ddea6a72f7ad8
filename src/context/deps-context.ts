// The dependency part of a build context: uv, each platform's locks, and each platform's dependency Containerfile,
// with the tags its dependency images are named by.

import { createHash } from 'node:crypto';
import { copyFile, link, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { builderPins, constraintsFileLines, requirementsFileLines } from '../deps/install-set.js';
import { pins } from '../deps/lock.js';
import type { DependencyPlan } from '../deps/plan/plan.js';
import { PhaseError } from '../errors.js';
import type { PinnedBase } from '../images/base-image.js';
import type { DepsPlatform } from '../images/deps-build.js';
import { contentTag, type DepsRole, depsContentHash, inputsTag, LOCK_HOLDER } from '../images/deps-image.js';
import type { Job } from '../job.js';
import { TEMPLATES_DIR } from '../paths.js';
import { hostPlatform } from '../platforms.js';
import type { PlatformLock } from '../resolve/platform-lock.js';
import { optionWords, UV_VERSION, uvPythonPlatform } from '../tools/uv-args.js';
import { renderTemplate } from './render.js';

/** What the dependency images are made from. */
export interface DepsInput {
  readonly plan: DependencyPlan;
  /** The locks of each platform; undefined without a lock (--skip-resolve) and on the conda path. */
  readonly locks: readonly PlatformLock[] | undefined;
  readonly roles: readonly DepsRole[];
  /** Each requested platform's base, and the build platform's (the install stage runs there). */
  readonly bases: readonly PinnedBase[];
  readonly uv: string;
}

/** The script of the aggregator's own layer (fl-templates/, and the context's tools/). */
const OWN_INSTALL_SCRIPT = 'aggregator-install.sh';

/** Local tags of the install stages; the ones whose top layers make an image are pushed under tags of their own. */
export const INSTALL_REPOSITORY = 'localhost/flops-install';

/** Writes uv, the locks and the Containerfiles; returns each platform's tags. */
export async function writeDepsContext(job: Job, contextDir: string, input: DepsInput): Promise<DepsPlatform[]> {
  const { plan } = input;
  const host = hostPlatform();
  if (plan.installer === 'conda' && job.config.platforms.some((platform) => platform.platform !== host.platform)) {
    throw new PhaseError(
      'PLATFORM_UNSUPPORTED',
      `the repo needs conda (its conda-only packages), which installs only on the build's own platform, ${host.platform}; ask for ${host.platform} alone, or move the packages to pip`,
    );
  }
  await mkdir(join(contextDir, 'tools'), { recursive: true });
  await linkOrCopy(input.uv, join(contextDir, 'tools', 'uv'));
  const lister = await readFile(join(TEMPLATES_DIR, 'checks', 'installed_modules.py'), 'utf8');
  await writeFile(join(contextDir, 'tools', 'installed_modules.py'), lister);
  // What the aggregator's own layer is installed by, in a working container with `tools` mounted.
  const ownInstaller = await readFile(join(TEMPLATES_DIR, OWN_INSTALL_SCRIPT), 'utf8');
  await writeFile(join(contextDir, 'tools', OWN_INSTALL_SCRIPT), ownInstaller);
  const hostBase = input.bases.find((base) => base.platform === host.platform);
  if (hostBase === undefined) throw new Error('internal: the base of the build platform was not looked up');
  const template = await readFile(
    join(TEMPLATES_DIR, plan.installer === 'conda' ? 'deps-conda.Containerfile' : 'deps.Containerfile'),
    'utf8',
  );
  const secretsHelper = await readFile(join(TEMPLATES_DIR, 'runtime', 'with-build-secrets.sh'), 'utf8');
  await writeFile(join(contextDir, 'tools', 'with-build-secrets.sh'), secretsHelper);

  const result: DepsPlatform[] = [];
  for (const platform of job.config.platforms) {
    const base = input.bases.find((item) => item.platform === platform.platform);
    if (base === undefined) throw new Error(`internal: no base for ${platform.platform}`);
    const locked = input.locks?.find((lock) => lock.platform === platform.platform);
    const lockDir = join(contextDir, 'locks', platform.architecture);
    await mkdir(lockDir, { recursive: true });
    const files = lockFiles(plan, locked);
    for (const [name, text] of Object.entries(files)) await writeFile(join(lockDir, name), text);
    const lockFlags = locked ? ['--no-deps', '--require-hashes'] : ['-c', '/opt/flops/locks/constraints.txt'];
    const values = {
      HOST_PLATFORM: host.platform,
      HOST_BASE: hostBase.ref,
      TARGET_PLATFORM: platform.platform,
      TARGET_BASE: base.ref,
      ARCH: platform.architecture,
      UV_PLATFORM: uvPythonPlatform(platform.machine),
      HOST_PYTHON: `python${plan.python}`,
      UV_VERSION,
      LOCK_FLAGS: lockFlags.join(' '),
    };
    const inputs = inputsDigest([
      template,
      JSON.stringify(values),
      secretsHelper,
      lister,
      ownInstaller,
      ...Object.entries(files).flat(),
    ]);
    const stage = (target: string) => ({
      target,
      tag: `${INSTALL_REPOSITORY}:${platform.architecture}-${target}-${inputs}`,
    });
    const containerfile = renderOrFail(template, values);
    const learner = { layers: [stage('install')], modules: stage('learner-modules') };
    // Locked, the aggregator's packages install beside the learner's, into an empty environment of the same python,
    // not after them; without a lock, uv resolves them against the learner's environment.
    const aggregator = {
      ...learner,
      own: {
        name: stage('aggregator-install').tag,
        from: stage(locked ? 'environment' : 'install'),
        script: OWN_INSTALL_SCRIPT,
        args: [values.UV_PLATFORM, ...lockFlags],
        locks: `locks/${platform.architecture}`,
        createdBy: 'flops-image-builder: the aggregator packages (locks/extras.txt)',
      },
    };
    const file = `deps-${platform.architecture}.Containerfile`;
    await writeFile(join(contextDir, file), containerfile);
    const tags = Object.fromEntries(
      input.roles.map((role) => {
        const hash = depsContentHash({
          role,
          platform: platform.platform,
          python: plan.python,
          locks: role === 'aggregator' ? [files['base.txt'], files['extras.txt']] : [files['base.txt']],
          unlocked: locked?.unlocked ?? [],
          baseDigest: base.digest,
          containerfile,
          moduleLister: inputsDigest([lister]),
          ownInstaller: inputsDigest([ownInstaller, secretsHelper]),
        });
        return [role, contentTag(role, platform.architecture, hash)];
      }),
    );
    const holder = LOCK_HOLDER[plan.purpose];
    result.push({
      platform,
      containerfile: file,
      base,
      tags,
      inputsTag: locked ? inputsTag(holder, platform.architecture, locked.inputsHash) : undefined,
      lock: locked?.base,
      extras: locked?.extras,
      unlocked: locked?.unlocked ?? [],
      moved: locked?.moved ?? [],
      installStages: plan.installer === 'conda' ? {} : { learner, model: learner, trainer: learner, aggregator },
    });
  }
  return result;
}

/**
 * The files of one platform's locks folder. With a lock: the repo's index options (uv's spelling) and the lock. Without
 * (--skip-resolve, conda): the requirements themselves, resolved in the build.
 */
function lockFiles(plan: DependencyPlan, locked: PlatformLock | undefined): Record<string, string> {
  const options = plan.pipOptions.map((line) => optionWords(line).join(' ')).filter(Boolean);
  const text = (lines: readonly string[]): string => lines.map((line) => `${line}\n`).join('');
  const files: Record<string, string> = {
    'constraints.txt': text(constraintsFileLines(plan)),
    'unlocked.txt': text(locked?.unlocked ?? []),
  };
  if (locked) {
    files['base.txt'] = text(options) + locked.base.text;
    files['extras.txt'] = text(options) + locked.extras.text;
    files['base-pins.txt'] = text(pins(locked.base));
  } else {
    files['base.txt'] = text([...requirementsFileLines(plan), ...builderPins(plan)]);
    files['extras.txt'] = text([...options, ...plan.aggregatorPins]);
    files['base-pins.txt'] = '';
  }
  if (plan.condaEnvironment !== undefined) files['environment.yaml'] = stringify(plan.condaEnvironment);
  return files;
}

/**
 * The digest of everything the install stages are made of, in their local tags: a job with other locks never moves
 * the tag of another's stage, which it pushes and assembles its images from (src/images/install-stages.ts).
 */
function inputsDigest(texts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(`${Buffer.byteLength(text)}:${text}`);
  return hash.digest('hex').slice(0, 32);
}

function renderOrFail(template: string, values: Record<string, string>): string {
  try {
    return renderTemplate(template, values);
  } catch (error) {
    throw new PhaseError('TEMPLATE_FAILED', `deps.Containerfile: ${(error as Error).message}`, { cause: error });
  }
}

/** A hard link where the context is on the same file system as uv (no 40 MB copy per build), else a copy. */
async function linkOrCopy(source: string, target: string): Promise<void> {
  await link(source, target).catch(() => copyFile(source, target));
}
