// What each image adds to its dependency image: the FL runtime's folders, the repo (or model), and its config.
// One table, read both to render the Containerfiles a person can build and to write the layers the builder pushes.

import type { DepsRole } from './deps-image.js';

/** The user the FL and serving images run as; the repo is owned by it, since ML code often writes next to itself. */
export const IMAGE_USER = { uid: 10001, gid: 10001 } as const;
/** `uid:gid` in an image's config. */
const FLOPS_USER = `${IMAGE_USER.uid}:${IMAGE_USER.gid}`;
/** Where the trainer's code goes: SageMaker's bring-your-own-container layout (`/opt/ml` is mounted at run time). */
export const TRAINER_CODE_DIR = '/opt/program';
/** Where the repo goes; the FL components chdir there before loading it. */
export const REPO_DIR = '/app';

export type ImageRole = 'learner' | 'aggregator' | 'model' | 'trainer';

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
  /** `uid:gid` the image runs as. */
  readonly user: string;
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
    user: FLOPS_USER,
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
    user: FLOPS_USER,
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
    user: FLOPS_USER,
  },
  trainer: {
    role: 'trainer',
    deps: 'trainer',
    runtime: [placed('flops/flops_trainer', `${LIB}/flops_trainer`)],
    // Root's, as is everything else in the image: the trainer runs as root (below) and never writes its own code.
    content: placed('repo', TRAINER_CODE_DIR),
    workingDir: TRAINER_CODE_DIR,
    env: { PYTHONPATH: LIB, FLOPS_REPO_DIR: TRAINER_CODE_DIR },
    // `IMAGE train` as SageMaker starts it: the word arrives as the entry's argument.
    entrypoint: [PYTHON, '-m', 'flops_trainer'],
    exposedPorts: [],
    // Root: SageMaker runs training containers as root with /opt/ml owned by root, and the entry must write the model
    // and the failure file there; a user of our own could not, on SageMaker or on any run that mounts /opt/ml alike.
    user: '0:0',
  },
};
