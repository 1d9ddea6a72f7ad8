// Every default the options and arguments fall back to, in one place.

import { SUPPORTED_PYTHON_MINORS } from '../deps/python-version.js';

/** The manager broker's port when the address carries none (upstream's fixed port). */
export const DEFAULT_MQTT_PORT = 9027;
/** The observer's port when its address carries none. */
export const DEFAULT_OBSERVER_PORT = 2727;
/** Limits on the cloned repo's working tree (without `.git`), checked before anything is copied. */
export const DEFAULT_MAX_REPO_MB = 500;
export const DEFAULT_MAX_REPO_FILES = 20_000;
/** Dependency images (and lock records) kept per role and architecture in a project's flops-deps repository. */
export const DEFAULT_KEEP_DEPS = 5;
/** The whole job's deadline, in seconds. */
export const DEFAULT_DEADLINE_S = 5400;
/** The image of the conda path (repos whose conda packages need conda): Miniforge, conda-forge only, pinned. */
export const DEFAULT_CONDA_BASE_IMAGE = 'docker.io/condaforge/miniforge3:24.11.3-0';
/** The python minors images are made for. */
export const DEFAULT_PYTHON_VERSIONS: readonly string[] = SUPPORTED_PYTHON_MINORS;
/** The platforms images are built for when the manager names none (upstream's default). */
export const DEFAULT_PLATFORMS: readonly string[] = ['linux/amd64'];
