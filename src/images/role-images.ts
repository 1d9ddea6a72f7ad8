// What each image adds to its dependency image: the FL runtime's folders, the repo (or model), and its config.
// One table, read both to render the Containerfiles a person can build and to write the layers the builder pushes.

import type { DepsRole } from './deps-image.js';

/** The user every image runs as; the repo is owned by it, since ML code often writes next to itself. */
export const IMAGE_USER = { uid: 10001, gid: 10001 } as const;
/** Where the repo goes; the FL components chdir there before loading it. */
export const REPO_DIR = '/app';

export type ImageRole = 'learner' | 'aggregator' | 'model';

/** A folder or file of the build context and where it lands in the image. */
export interface Placement {
  /** Relative to the build context. */
  readonly from: string;
  /** Absolute path in the image. */
  readonly to: string;
  /** Owned by the image's user (the repo), else by root. */
  readonly owned: boolean;
}

/** One image role: its dependency image, what it adds, and how it starts. */
export interface RoleImage {
  readonly role: ImageRole;
  readonly deps: DepsRole;
  /** The FL runtime and the entry folder: one layer. */
  readonly runtime: readonly Placement[];
  /** The repo or the model: one layer. */
  readonly content: Placement;
  readonly workingDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly entrypoint: readonly string[];
  readonly exposedPorts: readonly string[];
}

const LIB = '/opt/flops/lib';
const PYTHON = '/opt/venv/bin/python';

const placed = (from: string, to: string): Placement => ({ from, to, owned: false });

export const ROLE_IMAGES: Readonly<Record<ImageRole, RoleImage>> = {
  learner: {
    role: 'learner',
    deps: 'learner',
    runtime: [
      placed('flops/flops_common', `${LIB}/flops_common`),
      placed('flops/flops_utils', `${LIB}/flops_utils`),
      placed('flops/flops_learner', `${LIB}/flops_learner`),
      // The learner's mlflow reports nowhere: the stand-in answers every call the repo's code makes.
      placed('flops/stand-ins', '/opt/flops/stand-ins'),
      placed('flops/entry/learner', '/opt/flops/learner'),
    ],
    content: { from: 'repo', to: REPO_DIR, owned: true },
    workingDir: '/opt/flops/learner',
    // FLOps' packages first, so that a module of the same name in the repo cannot shadow them.
    env: { PYTHONPATH: `${LIB}:/opt/flops/stand-ins:${REPO_DIR}`, FLOPS_REPO_DIR: REPO_DIR },
    entrypoint: [PYTHON, '-m', 'flops_learner'],
    exposedPorts: [],
  },
  aggregator: {
    role: 'aggregator',
    deps: 'aggregator',
    runtime: [
      placed('flops/flops_common', `${LIB}/flops_common`),
      placed('flops/flops_utils', `${LIB}/flops_utils`),
      placed('flops/flops_aggregator', `${LIB}/flops_aggregator`),
      placed('flops/entry/aggregator', '/opt/flops/aggregator'),
    ],
    content: { from: 'repo', to: REPO_DIR, owned: true },
    workingDir: '/opt/flops/aggregator',
    env: { PYTHONPATH: `${LIB}:${REPO_DIR}`, FLOPS_REPO_DIR: REPO_DIR },
    entrypoint: [PYTHON, '-m', 'flops_aggregator'],
    exposedPorts: ['8080/tcp'],
  },
  model: {
    role: 'model',
    deps: 'model',
    runtime: [],
    content: placed('model', '/opt/flops/model'),
    workingDir: '/opt/flops',
    // MLflow sets up a local tracking store when it serves (./mlruns, or ./mlflow.db in MLflow 3), and /opt/flops
    // belongs to root: the serving user writes it to /tmp instead of warning "Permission denied".
    env: { MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' },
    // MLflow's scoring server (gunicorn) from the image's own environment, on every interface: the manager deploys
    // this image with no command.
    entrypoint: [
      PYTHON,
      '-m',
      'mlflow',
      'models',
      'serve',
      '--model-uri',
      '/opt/flops/model',
      '--host',
      '0.0.0.0',
      '--port',
      '8080',
      '--env-manager',
      'local',
    ],
    exposedPorts: ['8080/tcp'],
  },
};
