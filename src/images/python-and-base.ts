// The python of an environment chosen together with its pip-path base image: among the pythons the base can give
// (what a fixed --base-image says it holds, or the tags a {python} template's mirror holds), so that a mismatch is
// refused where the python is chosen, before anything is locked, and uv is never left to look for a python.

import type { EnvSpec } from '../deps/env-spec.js';
import { condaOnly } from '../deps/plan/conda-step.js';
import { decidePython } from '../deps/python-choice.js';
import { PhaseError } from '../errors.js';
import type { Job } from '../job.js';
import { hostPlatform } from '../platforms.js';
import { RegistryError } from '../tools/registry-api.js';
import { clientFor } from './base-image.js';
import {
  fillBaseTemplate,
  isBaseTemplate,
  minorsHeld,
  type StatedPython,
  statedPython,
  templateRepository,
} from './base-python.js';
import { parseImageRef } from './image-ref.js';

/** The chosen python, why a newer one was passed over, and the base image (a template filled); undefined: default. */
export interface PythonAndBase {
  readonly python: string;
  readonly note: string | undefined;
  readonly baseImage: string | undefined;
}

/**
 * Chooses the python for `env` among `--python-versions` and what the base image gives. `what` names the environment
 * in messages ("the model's" for a trained model). Without --base-image, or on the conda path (conda brings its own
 * python), or in a dry run (which contacts no registry), the base does not narrow the choice.
 */
export async function choosePythonAndBase(job: Job, env: EnvSpec, what = ''): Promise<PythonAndBase> {
  const { baseImage, pythonVersions, torchCuda, dryRun } = job.config;
  const choose = (minors: readonly string[]) => {
    const choice = decidePython(env, minors, job.architecture);
    return 'problem' in choice ? { problem: `${what}${choice.problem}` } : choice;
  };
  const free = choose(pythonVersions);
  if ('problem' in free) throw new PhaseError('PYTHON_UNSUPPORTED', free.problem);
  const fill = (python: string) =>
    baseImage && isBaseTemplate(baseImage) ? fillBaseTemplate(baseImage, python) : baseImage;
  if (baseImage === undefined || condaOnly(env, torchCuda).length > 0 || dryRun)
    return { python: free.version, note: free.note, baseImage: fill(free.version) };

  const asked = `${what}${env.file} asks for python ${env.pythonConstraint ?? `${free.version} (the default)`}`;
  let offered: readonly string[];
  let stated: StatedPython | undefined;
  if (isBaseTemplate(baseImage)) {
    offered = await minorsOfTemplate(job, baseImage, pythonVersions);
    if (offered.length === 0)
      throw new PhaseError(
        'BASE_IMAGE_MISSING',
        `the base image template ${baseImage} names no image its registry holds for python ${pythonVersions.join(', ')}; mirror python:X.Y-slim there for the pythons repos need, or check --base-image`,
      );
  } else {
    stated = await pythonOf(job, baseImage, false);
    // A base that does not say its python is taken on trust; uv fails the build, naming the python, if it lacks it.
    if (stated === undefined) return { python: free.version, note: free.note, baseImage };
    offered = [stated.minor];
  }
  const fitting = choose(offered.filter((minor) => pythonVersions.includes(minor)));
  if ('problem' in fitting) {
    const has = stated
      ? `the base image ${baseImage} has python ${stated.version} (its PYTHON_VERSION)`
      : `the base image template ${baseImage} is held for python ${offered.join(', ')} alone`;
    const fix = stated
      ? `use a base image with python ${free.version} (or a template such as registry:5000/library/python:{python}-slim)`
      : `mirror the python ${free.version} image as ${fill(free.version)}`;
    throw new PhaseError(
      'BASE_IMAGE_PYTHON_MISMATCH',
      `${asked}, but ${has}${stated && !pythonVersions.includes(stated.minor) ? `, which is not among --python-versions ${pythonVersions.join(', ')}` : ''}; ${fix}, or change the python in ${env.file}`,
    );
  }
  const chosen = fill(fitting.version) ?? baseImage;
  if (stated === undefined) {
    // The tag names a python; the image it holds must say the same, or say nothing.
    stated = await pythonOf(job, chosen, true);
    if (stated !== undefined && stated.minor !== fitting.version)
      throw new PhaseError(
        'BASE_IMAGE_PYTHON_MISMATCH',
        `${asked}; the base image ${chosen} is tagged for python ${fitting.version} but has python ${stated.version} (its PYTHON_VERSION); mirror the python ${fitting.version} image under that tag`,
      );
  }
  const passedOver =
    fitting.version === free.version
      ? undefined
      : `not ${free.version}: the base image ${chosen} has ${fitting.version}`;
  return { python: fitting.version, note: fitting.note ?? passedOver, baseImage: chosen };
}

/** The supported minors whose tag the template's repository holds. */
async function minorsOfTemplate(job: Job, template: string, minors: readonly string[]): Promise<string[]> {
  const { repository } = templateRepository(template);
  const ref = parseImageRef(fillBaseTemplate(template, minors[0] ?? '3.11'));
  if (ref === undefined) return [];
  const client = clientFor(job, ref);
  try {
    return minorsHeld(template, minors, await client.tags(repository));
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    throw new PhaseError(
      'BASE_IMAGE_MISSING',
      `cannot list the tags of the base image template ${template}: ${error.message}`,
      {
        cause: error,
      },
    );
  } finally {
    if (client !== job.registry) await client.close().catch(() => undefined);
  }
}

/**
 * The python the base image's build-platform image says it holds. A base that cannot be read is left to the pinning
 * of the base (inject), which names what is wrong, unless `required` (a template's tag that was listed).
 */
async function pythonOf(job: Job, base: string, required: boolean): Promise<StatedPython | undefined> {
  const ref = parseImageRef(base);
  if (ref === undefined) return undefined;
  const client = clientFor(job, ref);
  try {
    const image = await client.platformImage(ref.repository, ref.reference, hostPlatform().platform);
    return image === undefined ? undefined : statedPython(image.config);
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    if (!required) return undefined;
    throw new PhaseError('BASE_IMAGE_MISSING', `cannot read the base image ${base}: ${error.message}`, {
      cause: error,
    });
  } finally {
    if (client !== job.registry) await client.close().catch(() => undefined);
  }
}
