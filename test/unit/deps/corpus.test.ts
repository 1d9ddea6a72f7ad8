// Real-world-shaped environment files (test/fixtures/env-files/*), each read, decided and patched as the builder does it.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findEnvFile, readEnvFile } from '../../../src/deps/env-file.js';
import { EnvFileError, type EnvSpec } from '../../../src/deps/env-spec.js';
import { PKG_RESOURCES } from '../../../src/deps/plan/fl-additions.js';
import {
  type DependencyPlan,
  DependencyRefusal,
  type PlanOptions,
  planDependencies,
  type RefusalCode,
} from '../../../src/deps/plan/plan.js';
import { decidePython } from '../../../src/deps/python-choice.js';
import { SUPPORTED_PYTHON_MINORS } from '../../../src/deps/python-version.js';
import { thrownBy } from '../../helpers/thrown.js';

const CORPUS = fileURLToPath(new URL('../../fixtures/env-files/', import.meta.url));
const PRIVACY = "a learner must not report to a tracking server: that would break FL's privacy promise";
const CPU =
  'edge nodes rarely have NVIDIA GPUs and the CUDA wheels add gigabytes; build with --torch-cuda to keep them';
const CPU_INDEX = '--extra-index-url https://download.pytorch.org/whl/cpu';
const MINIFORGE = 'docker.io/condaforge/miniforge3:24.11.3-0';
const OPTIONS: PlanOptions = {
  purpose: 'fl',
  python: '3.11',
  architecture: 'amd64',
  torchCuda: false,
  baseImage: undefined,
  condaBaseImage: MINIFORGE,
  imports: [],
};

/** A requirement of `file` at `line`. */
const at =
  (file: string) =>
  (requirement: string, line: number, extra: object = {}) => ({ requirement, file, line, ...extra });

interface Case {
  readonly name: string;
  readonly dir: string;
  readonly architecture?: string;
  readonly torchCuda?: boolean;
  readonly model: EnvSpec;
  readonly python: { version: string; note: string | undefined };
  readonly plan: Omit<DependencyPlan, 'python' | 'purpose' | 'runtimePins' | 'flwrVersion' | 'sources' | 'snapshot'> & {
    readonly flwrVersion: string;
  };
}

const conda = at('conda.yaml');
const env = at('environment.yml');
const reqs = at('requirements.txt');
const pyproject = at('pyproject.toml');

const CASES: readonly Case[] = [
  {
    name: 'an sklearn tracking export (conda.yaml wins over the python_env.yaml and requirements.txt beside it)',
    dir: 'mlflow-sklearn',
    model: {
      file: 'conda.yaml',
      format: 'conda',
      pythonConstraint: '=3.10.12',
      pythonSource: { file: 'conda.yaml', line: 4 },
      requirements: [
        conda('mlflow==2.9.2', 7),
        conda('cloudpickle==3.0.0', 8),
        conda('numpy==1.26.2', 9),
        conda('pandas==2.1.3', 10),
        conda('scikit-learn==1.3.2', 11),
        conda('scipy==1.11.4', 12),
      ],
      constraints: [],
      pipOptions: [],
      conda: { name: 'mlflow-env', channels: ['conda-forge'], packages: [] },
    },
    python: { version: '3.10', note: undefined },
    plan: {
      installer: 'pip',
      baseImage: 'docker.io/library/python:3.10-slim',
      flwrVersion: '1.30.0',
      requirements: ['cloudpickle==3.0.0', 'numpy==1.26.2', 'pandas==2.1.3', 'scikit-learn==1.3.2', 'scipy==1.11.4'],
      constraints: [],
      pipOptions: [],
      condaEnvironment: undefined,
      aggregatorPins: ['mlflow==2.9.2', PKG_RESOURCES],
      patches: [
        `removed mlflow==2.9.2 (conda.yaml:7) from the learner: ${PRIVACY}`,
        "the aggregator gets the MLflow client mlflow==2.9.2, the repo's pin mlflow==2.9.2 (conda.yaml:7), in a layer of its own",
      ],
    },
  },
  {
    name: 'a keras tracking export whose tensorflow needs protobuf 4: an older flwr, no pin changed',
    dir: 'mlflow-keras',
    model: {
      file: 'conda.yaml',
      format: 'conda',
      pythonConstraint: '=3.11.5',
      pythonSource: { file: 'conda.yaml', line: 4 },
      requirements: [
        conda('mlflow==2.8.1', 7),
        conda('keras==2.15.0', 8),
        conda('numpy==1.26.2', 9),
        conda('protobuf==4.25.1', 10),
        conda('tensorflow==2.15.0', 11),
      ],
      constraints: [],
      pipOptions: [],
      conda: { name: 'mlflow-env', channels: ['conda-forge'], packages: [] },
    },
    python: { version: '3.11', note: undefined },
    plan: {
      installer: 'pip',
      baseImage: 'docker.io/library/python:3.11-slim',
      flwrVersion: '1.23.0',
      requirements: ['keras==2.15.0', 'numpy==1.26.2', 'protobuf==4.25.1', 'tensorflow==2.15.0'],
      constraints: [],
      pipOptions: [],
      condaEnvironment: undefined,
      aggregatorPins: ['mlflow==2.8.1', PKG_RESOURCES],
      patches: [
        `removed mlflow==2.8.1 (conda.yaml:7) from the learner: ${PRIVACY}`,
        "pinned flwr 1.23.0 rather than 1.42.0, the newest for python 3.11, to keep the repo's pins: flwr 1.42.0 needs protobuf>=5.28.0,<7.0.0, which protobuf==4.25.1 (conda.yaml:10) and tensorflow==2.15.0 (conda.yaml:11) rule out",
        "the aggregator gets the MLflow client mlflow==2.8.1, the repo's pin mlflow==2.8.1 (conda.yaml:7), in a layer of its own",
      ],
    },
  },
  {
    name: 'a pytorch tracking export as python_env.yaml and requirements.txt: CPU wheels, torchvision paired',
    dir: 'mlflow-pytorch',
    model: {
      file: 'python_env.yaml',
      format: 'python-env',
      pythonConstraint: '3.10.12',
      pythonSource: { file: 'python_env.yaml', line: 1 },
      requirements: [
        at('python_env.yaml')('setuptools==68.2.2', 4),
        at('python_env.yaml')('wheel==0.41.3', 5),
        reqs('mlflow==2.9.2', 1),
        reqs('cloudpickle==3.0.0', 2),
        reqs('torch==2.1.1', 3),
        reqs('torchvision', 4),
      ],
      constraints: [],
      pipOptions: [],
      conda: undefined,
    },
    python: { version: '3.10', note: undefined },
    plan: {
      installer: 'pip',
      baseImage: 'docker.io/library/python:3.10-slim',
      flwrVersion: '1.30.0',
      requirements: [
        'setuptools==68.2.2',
        'wheel==0.41.3',
        'cloudpickle==3.0.0',
        'torch==2.1.1+cpu',
        'torchvision==0.16.1+cpu',
      ],
      constraints: [],
      pipOptions: [CPU_INDEX],
      condaEnvironment: undefined,
      aggregatorPins: ['mlflow==2.9.2'],
      patches: [
        `removed mlflow==2.9.2 (requirements.txt:1) from the learner: ${PRIVACY}`,
        'pinned torchvision (requirements.txt:4) to torchvision==0.16.1: the release built for torch 2.1.1',
        `installed torch, torchvision as CPU-only wheels from https://download.pytorch.org/whl/cpu (torch==2.1.1+cpu, torchvision==0.16.1+cpu): ${CPU}`,
        "the aggregator gets the MLflow client mlflow==2.9.2, the repo's pin mlflow==2.9.2 (requirements.txt:1), in a layer of its own",
      ],
    },
  },
  {
    name: 'the same pytorch export built on arm64: the CPU index, no +cpu label (the aarch64 wheels have none)',
    dir: 'mlflow-pytorch',
    architecture: 'arm64',
    model: readModel('mlflow-pytorch'),
    python: { version: '3.10', note: undefined },
    plan: {
      installer: 'pip',
      baseImage: 'docker.io/library/python:3.10-slim',
      flwrVersion: '1.30.0',
      requirements: [
        'setuptools==68.2.2',
        'wheel==0.41.3',
        'cloudpickle==3.0.0',
        'torch==2.1.1',
        'torchvision==0.16.1',
      ],
      constraints: [],
      pipOptions: [CPU_INDEX],
      condaEnvironment: undefined,
      aggregatorPins: ['mlflow==2.9.2'],
      patches: [
        `removed mlflow==2.9.2 (requirements.txt:1) from the learner: ${PRIVACY}`,
        'pinned torchvision (requirements.txt:4) to torchvision==0.16.1: the release built for torch 2.1.1',
        `installed torch, torchvision as CPU-only wheels from https://download.pytorch.org/whl/cpu: ${CPU}`,
        "the aggregator gets the MLflow client mlflow==2.9.2, the repo's pin mlflow==2.9.2 (requirements.txt:1), in a layer of its own",
      ],
    },
  },
  {
    name: 'a hand-written GPU conda env: CUDA dropped, conda packages installed with pip on a slim image',
    dir: 'conda-pytorch-cuda',
    model: {
      file: 'environment.yml',
      format: 'conda',
      pythonConstraint: '=3.11',
      pythonSource: { file: 'environment.yml', line: 8 },
      requirements: [
        env('torch==2.2.2', 9, { fromConda: 'pytorch=2.2.2' }),
        env('torchvision==0.17.2', 10, { fromConda: 'torchvision=0.17.2' }),
        env('numpy<2', 12, { fromConda: 'numpy<2' }),
        env('lightning==2.2.1', 15),
      ],
      constraints: [],
      pipOptions: [],
      conda: {
        name: 'mnist-gpu',
        channels: ['pytorch', 'nvidia', 'conda-forge'],
        packages: [
          { spec: 'pytorch-cuda=12.1', name: 'pytorch-cuda', kind: 'cuda', file: 'environment.yml', line: 11 },
        ],
      },
    },
    python: { version: '3.11', note: undefined },
    plan: {
      installer: 'pip',
      baseImage: 'docker.io/library/python:3.11-slim',
      flwrVersion: '1.42.0',
      requirements: ['torch==2.2.2+cpu', 'torchvision==0.17.2+cpu', 'numpy<2', 'lightning==2.2.1'],
      constraints: [],
      pipOptions: [CPU_INDEX],
      condaEnvironment: undefined,
      aggregatorPins: ['mlflow<3', PKG_RESOURCES],
      patches: [
        `removed the CUDA packages pytorch-cuda=12.1 (environment.yml:11): ${CPU}`,
        'installed the conda packages pytorch=2.2.2 (as torch), torchvision=0.17.2, numpy<2 with pip: none of them needs conda, and a slim python image with pip is smaller and faster',
        `installed torch, torchvision as CPU-only wheels from https://download.pytorch.org/whl/cpu (torch==2.2.2+cpu, torchvision==0.17.2+cpu): ${CPU}`,
      ],
    },
  },
  {
    name: 'the same GPU conda env with --torch-cuda: a conda base with conda env update',
    dir: 'conda-pytorch-cuda',
    torchCuda: true,
    model: readModel('conda-pytorch-cuda'),
    python: { version: '3.11', note: undefined },
    plan: {
      installer: 'conda',
      baseImage: MINIFORGE,
      flwrVersion: '1.42.0',
      requirements: ['lightning==2.2.1'],
      constraints: [],
      pipOptions: [],
      condaEnvironment: {
        name: 'flops',
        channels: ['pytorch', 'nvidia', 'conda-forge'],
        dependencies: ['python=3.11', 'pip', 'pytorch=2.2.2', 'torchvision=0.17.2', 'pytorch-cuda=12.1', 'numpy<2'],
      },
      aggregatorPins: ['mlflow<3', PKG_RESOURCES],
      patches: [
        `installed the conda packages with conda env update on ${MINIFORGE}: pytorch-cuda=12.1 (environment.yml:11) needs conda's own binaries`,
        'renamed the conda environment "mnist-gpu" to "flops"',
      ],
    },
  },
  {
    name: 'a full conda export with conda-only packages (mkl, r-base): a conda base, runtime and build strings dropped',
    dir: 'conda-only-mkl',
    model: {
      file: 'environment.yml',
      format: 'conda',
      pythonConstraint: '=3.11.8',
      pythonSource: { file: 'environment.yml', line: 13 },
      requirements: [
        env('numpy==1.26.4', 11, { fromConda: 'numpy=1.26.4=py311h08b1b3b_0' }),
        env('rpy2==3.5.15', 17),
        env('scikit-learn==1.4.1.post1', 18),
      ],
      constraints: [],
      pipOptions: [],
      conda: {
        name: 'analysis',
        channels: ['defaults'],
        packages: [
          { spec: '_libgcc_mutex=0.1=main', name: '_libgcc_mutex', kind: 'provided', file: 'environment.yml', line: 5 },
          {
            spec: '_openmp_mutex=5.1=1_gnu',
            name: '_openmp_mutex',
            kind: 'provided',
            file: 'environment.yml',
            line: 6,
          },
          {
            spec: 'ca-certificates=2024.3.11=h06a4308_0',
            name: 'ca-certificates',
            kind: 'provided',
            file: 'environment.yml',
            line: 7,
          },
          {
            spec: 'intel-openmp=2023.1.0=hdb19cb5_46306',
            name: 'intel-openmp',
            kind: 'provided',
            file: 'environment.yml',
            line: 8,
          },
          {
            spec: 'libgcc-ng=11.2.0=h1234567_1',
            name: 'libgcc-ng',
            kind: 'provided',
            file: 'environment.yml',
            line: 9,
          },
          { spec: 'mkl=2023.1.0=h213fc3f_46344', name: 'mkl', kind: 'conda-only', file: 'environment.yml', line: 10 },
          { spec: 'openssl=3.0.13=h7f8727e_0', name: 'openssl', kind: 'provided', file: 'environment.yml', line: 12 },
          { spec: 'r-base=4.3.1=h0f5a3d7_0', name: 'r-base', kind: 'conda-only', file: 'environment.yml', line: 14 },
        ],
      },
    },
    python: { version: '3.11', note: undefined },
    plan: {
      installer: 'conda',
      baseImage: MINIFORGE,
      flwrVersion: '1.42.0',
      requirements: ['rpy2==3.5.15', 'scikit-learn==1.4.1.post1'],
      constraints: [],
      pipOptions: [],
      condaEnvironment: {
        name: 'flops',
        channels: ['defaults'],
        dependencies: ['python=3.11', 'pip', 'mkl=2023.1.0', 'numpy=1.26.4', 'r-base=4.3.1'],
      },
      aggregatorPins: ['mlflow<3', PKG_RESOURCES],
      patches: [
        "left _libgcc_mutex, _openmp_mutex, ca-certificates, intel-openmp, libgcc-ng, openssl to conda's solver: they are python's own runtime and native libraries, and their pinned builds belong to the machine that exported them",
        `installed the conda packages with conda env update on ${MINIFORGE}: mkl=2023.1.0=h213fc3f_46344 (environment.yml:10), r-base=4.3.1=h0f5a3d7_0 (environment.yml:14) need conda's own binaries`,
        'dropped the build strings of mkl=2023.1.0=h213fc3f_46344, r-base=4.3.1=h0f5a3d7_0, numpy=1.26.4=py311h08b1b3b_0: a build string names a build for the platform that exported it',
        'renamed the conda environment "analysis" to "flops"',
      ],
    },
  },
  {
    name: 'a Poetry project: caret and tilde expanded, optional and dev dependencies left out, python 3.12 passed over for torch 2.1',
    dir: 'poetry-project',
    model: {
      file: 'pyproject.toml',
      format: 'pyproject',
      pythonConstraint: '>=3.9.0,<4.0.0',
      pythonSource: { file: 'pyproject.toml', line: 8 },
      requirements: [
        pyproject('numpy>=1.24.0,<2.0.0', 9),
        pyproject('torch==2.1.0', 10),
        pyproject('pandas[performance]>=2.1.0,<2.2.0', 11),
        pyproject('tomli>=2.0.0,<3.0.0; python_version < "3.11"', 12),
      ],
      constraints: [],
      pipOptions: [],
      conda: undefined,
    },
    python: { version: '3.11', note: 'not 3.12: torch==2.1.0 (pyproject.toml:10) has no release for it' },
    plan: {
      installer: 'pip',
      baseImage: 'docker.io/library/python:3.11-slim',
      flwrVersion: '1.42.0',
      requirements: [
        'numpy>=1.24.0,<2.0.0',
        'torch==2.1.0+cpu',
        'pandas[performance]>=2.1.0,<2.2.0',
        'tomli>=2.0.0,<3.0.0; python_version < "3.11"',
      ],
      constraints: [],
      pipOptions: [CPU_INDEX],
      condaEnvironment: undefined,
      aggregatorPins: ['mlflow<3', PKG_RESOURCES],
      patches: [
        `installed torch as CPU-only wheels from https://download.pytorch.org/whl/cpu (torch==2.1.0+cpu): ${CPU}`,
      ],
    },
  },
  {
    name: 'a PEP 621 project: requires-python decides, mlflow-skinny goes',
    dir: 'pep621-project',
    model: {
      file: 'pyproject.toml',
      format: 'pyproject',
      pythonConstraint: '>=3.9,<3.12',
      pythonSource: { file: 'pyproject.toml', line: 8 },
      requirements: [
        pyproject('numpy>=1.23', 10),
        pyproject('scikit-learn~=1.3', 11),
        pyproject('mlflow-skinny>=2.9', 12),
        pyproject("pandas[performance]>=2.0; python_version >= '3.9'", 13),
      ],
      constraints: [],
      pipOptions: [],
      conda: undefined,
    },
    python: { version: '3.11', note: undefined },
    plan: {
      installer: 'pip',
      baseImage: 'docker.io/library/python:3.11-slim',
      flwrVersion: '1.42.0',
      requirements: ['numpy>=1.23', 'scikit-learn~=1.3', "pandas[performance]>=2.0; python_version >= '3.9'"],
      constraints: [],
      pipOptions: [],
      condaEnvironment: undefined,
      aggregatorPins: ['mlflow<3', PKG_RESOURCES],
      patches: [
        `removed mlflow-skinny>=2.9 (pyproject.toml:12) from the learner: ${PRIVACY}`,
        'the aggregator gets the MLflow client mlflow<3 in place of mlflow-skinny>=2.9 (pyproject.toml:12), in a layer of its own',
      ],
    },
  },
  {
    name: 'requirements with includes, constraints, markers, hashes, an index and a wheel URL',
    dir: 'requirements-markers-includes',
    model: {
      file: 'requirements.txt',
      format: 'requirements',
      pythonConstraint: undefined,
      pythonSource: undefined,
      requirements: [
        at('requirements/base.txt')('scikit-learn==1.3.2', 1, { hashed: true }),
        at('requirements/base.txt')('pandas>=2.0,<2.2', 4),
        reqs('numpy==1.24.4; python_version < "3.12"', 6),
        reqs('numpy==2.1.3; python_version >= "3.12"', 7),
        reqs('requests[socks]>=2.31', 8),
        reqs('featurelib @ https://files.example.org/featurelib-1.0-py3-none-any.whl', 9),
      ],
      constraints: [at('constraints.txt')('protobuf<5', 1)],
      pipOptions: [
        { option: '--extra-index-url https://pypi.internal.example/simple', file: 'requirements.txt', line: 4 },
      ],
      conda: undefined,
    },
    python: { version: '3.11', note: undefined },
    plan: {
      installer: 'pip',
      baseImage: 'docker.io/library/python:3.11-slim',
      flwrVersion: '1.12.0',
      requirements: [
        'scikit-learn==1.3.2',
        'pandas>=2.0,<2.2',
        'numpy==1.24.4; python_version < "3.12"',
        'numpy==2.1.3; python_version >= "3.12"',
        'requests[socks]>=2.31',
        'featurelib @ https://files.example.org/featurelib-1.0-py3-none-any.whl',
      ],
      constraints: ['protobuf<5'],
      pipOptions: ['--extra-index-url https://pypi.internal.example/simple'],
      condaEnvironment: undefined,
      aggregatorPins: ['mlflow<3', PKG_RESOURCES],
      patches: [
        'dropped the --hash options of scikit-learn==1.3.2 (requirements/base.txt:1): hashes are checked for every package or none, and Flower and paho-mqtt are added without them (the versions stay pinned; the lock the builder makes has hashes for every package)',
        'pinned flwr 1.12.0 rather than 1.42.0, the newest for python 3.11, to keep the repo\'s pins: flwr 1.42.0 needs numpy>=1.26.0,<3.0.0, which numpy==1.24.4; python_version < "3.12" (requirements.txt:6) rules out; protobuf>=5.28.0,<7.0.0, which protobuf<5 (constraints.txt:1) rules out',
      ],
    },
  },
  {
    name: 'numpy 2 beside protobuf 3 on python 3.12: no release fits, so protobuf is raised (the smallest step)',
    dir: 'protobuf-raise',
    model: {
      file: 'conda.yaml',
      format: 'conda',
      pythonConstraint: '=3.12',
      pythonSource: { file: 'conda.yaml', line: 3 },
      requirements: [conda('numpy==2.0.2', 5), conda('protobuf==3.20.3', 6), conda('scikit-learn==1.5.2', 7)],
      constraints: [],
      pipOptions: [],
      conda: { name: 'legacy-grpc', channels: [], packages: [] },
    },
    python: { version: '3.12', note: undefined },
    plan: {
      installer: 'pip',
      baseImage: 'docker.io/library/python:3.12-slim',
      flwrVersion: '1.23.0',
      requirements: ['numpy==2.0.2', 'protobuf>=4.21.6,<5.0.0', 'scikit-learn==1.5.2'],
      constraints: [],
      pipOptions: [],
      condaEnvironment: undefined,
      aggregatorPins: ['mlflow<3', PKG_RESOURCES],
      patches: [
        "raised protobuf==3.20.3 (conda.yaml:6) to protobuf>=4.21.6,<5.0.0: no Flower release fits python 3.12 and every pin as written, and flwr 1.23.0 needs protobuf>=4.21.6,<5.0.0, which the repo's other packages accept",
      ],
    },
  },
  {
    name: "tensorflow 2.13 with requires-python >=3.9: python 3.11 (no 3.12 wheels), flwr within tensorflow's bounds",
    dir: 'tensorflow-python-range',
    model: {
      file: 'pyproject.toml',
      format: 'pyproject',
      pythonConstraint: '>=3.9',
      pythonSource: { file: 'pyproject.toml', line: 4 },
      requirements: [pyproject('tensorflow==2.13.1', 5), pyproject('pillow>=10', 5)],
      constraints: [],
      pipOptions: [],
      conda: undefined,
    },
    python: { version: '3.11', note: 'not 3.12: tensorflow==2.13.1 (pyproject.toml:5) has no release for it' },
    plan: {
      installer: 'pip',
      baseImage: 'docker.io/library/python:3.11-slim',
      flwrVersion: '1.12.0',
      requirements: ['tensorflow==2.13.1', 'pillow>=10'],
      constraints: [],
      pipOptions: [],
      condaEnvironment: undefined,
      aggregatorPins: ['mlflow<3', PKG_RESOURCES],
      patches: [
        "pinned flwr 1.12.0 rather than 1.42.0, the newest for python 3.11, to keep the repo's pins: flwr 1.42.0 needs numpy>=1.26.0,<3.0.0, which tensorflow==2.13.1 (pyproject.toml:5) rules out; protobuf>=5.28.0,<7.0.0, which tensorflow==2.13.1 (pyproject.toml:5) rules out",
      ],
    },
  },
  {
    name: 'YAML anchors and an alias as the pip list',
    dir: 'yaml-anchors',
    model: {
      file: 'environment.yml',
      format: 'conda',
      pythonConstraint: '=3.10',
      pythonSource: { file: 'environment.yml', line: 8 },
      requirements: [
        env('numpy==1.26.*', 9, { fromConda: 'numpy=1.26' }),
        env('scikit-learn==1.4.2', 3),
        env('pandas==2.2.2', 4),
      ],
      constraints: [],
      pipOptions: [],
      conda: { name: 'anchors', channels: ['conda-forge'], packages: [] },
    },
    python: { version: '3.10', note: undefined },
    plan: {
      installer: 'pip',
      baseImage: 'docker.io/library/python:3.10-slim',
      flwrVersion: '1.30.0',
      requirements: ['numpy==1.26.*', 'scikit-learn==1.4.2', 'pandas==2.2.2'],
      constraints: [],
      pipOptions: [],
      condaEnvironment: undefined,
      aggregatorPins: ['mlflow<3', PKG_RESOURCES],
      patches: [
        'installed the conda packages numpy=1.26 with pip: none of them needs conda, and a slim python image with pip is smaller and faster',
      ],
    },
  },
  {
    name: 'a CUDA index and +cu118 pins: replaced by the CPU index and +cpu builds',
    dir: 'requirements-cuda-index',
    model: {
      file: 'requirements.txt',
      format: 'requirements',
      pythonConstraint: undefined,
      pythonSource: undefined,
      requirements: [reqs('torch==2.0.1+cu118', 2), reqs('torchaudio==2.0.2+cu118', 3)],
      constraints: [],
      pipOptions: [
        { option: '--extra-index-url https://download.pytorch.org/whl/cu118', file: 'requirements.txt', line: 1 },
      ],
      conda: undefined,
    },
    python: { version: '3.11', note: undefined },
    plan: {
      installer: 'pip',
      baseImage: 'docker.io/library/python:3.11-slim',
      flwrVersion: '1.42.0',
      requirements: ['torch==2.0.1+cpu', 'torchaudio==2.0.2+cpu'],
      constraints: [],
      pipOptions: [CPU_INDEX],
      condaEnvironment: undefined,
      aggregatorPins: ['mlflow<3', PKG_RESOURCES],
      patches: [
        `removed --extra-index-url https://download.pytorch.org/whl/cu118: ${CPU}`,
        `installed torch, torchaudio as CPU-only wheels from https://download.pytorch.org/whl/cpu (torch==2.0.1+cpu, torchaudio==2.0.2+cpu): ${CPU}`,
      ],
    },
  },
  {
    name: 'a requirements file that installs the repo itself (-e .)',
    dir: 'editable-self',
    model: {
      file: 'requirements.txt',
      format: 'requirements',
      pythonConstraint: undefined,
      pythonSource: undefined,
      requirements: [reqs('.', 1), reqs('numpy>=1.26', 2)],
      constraints: [],
      pipOptions: [],
      conda: undefined,
    },
    python: { version: '3.11', note: undefined },
    plan: {
      installer: 'pip',
      baseImage: 'docker.io/library/python:3.11-slim',
      flwrVersion: '1.42.0',
      requirements: ['numpy>=1.26'],
      constraints: [],
      pipOptions: [],
      condaEnvironment: undefined,
      aggregatorPins: ['mlflow<3', PKG_RESOURCES],
      patches: ['removed the repo itself ("." at requirements.txt:1): its code is at /app, on the images\' PYTHONPATH'],
    },
  },
];

function readModel(dir: string): EnvSpec {
  const repo = `${CORPUS}${dir}`;
  return readEnvFile(repo, findEnvFile(repo) ?? 'none');
}

describe('the environment-file corpus', () => {
  it.each(CASES)('$name', (entry) => {
    const model = readModel(entry.dir);
    expect(model).toEqual(entry.model);
    const architecture = entry.architecture ?? 'amd64';
    const python = decidePython(model, SUPPORTED_PYTHON_MINORS, architecture);
    expect(python).toEqual(entry.python);
    const plan = planDependencies(model, {
      ...OPTIONS,
      python: entry.python.version,
      architecture,
      torchCuda: entry.torchCuda ?? false,
    });
    const runtimePins = [`flwr==${entry.plan.flwrVersion}`, 'paho-mqtt==2.2.0'];
    const { sources: _sources, snapshot: _snapshot, ...rest } = plan;
    expect(rest).toEqual({ purpose: 'fl', python: entry.python.version, runtimePins, ...entry.plan });
  });

  it.each<[string, RefusalCode, string]>([
    ['tensorflow-old-python', 'FRAMEWORK_PYTHON', 'tensorflow==2.12.1 (conda.yaml:5)'],
    ['torchvision-mismatch', 'TORCH_COMPANION_MISMATCH', 'torchvision==0.15.2 (requirements.txt:2)'],
    [
      'vcs-dependency',
      'VCS_REQUIREMENT',
      'git+https://github.com/example-org/fl-utils.git@v1.2.0#egg=fl-utils (requirements.txt:2)',
    ],
  ])('refuses %s in patch with %s, naming %s', (dir, code, names) => {
    const model = readModel(dir);
    const python = decidePython(model, SUPPORTED_PYTHON_MINORS, 'amd64');
    if (!('version' in python)) throw new Error('expected a python');
    const plan = (): DependencyPlan => planDependencies(model, { ...OPTIONS, python: python.version });
    expect(plan).toThrow(DependencyRefusal);
    expect(plan).toThrow(expect.objectContaining({ code }));
    expect(plan).toThrow(names);
  });

  it('refuses python 2 in validate, with the reason', () => {
    expect(decidePython(readModel('python-two'), SUPPORTED_PYTHON_MINORS, 'amd64')).toEqual({
      problem:
        'conda.yaml: python "=2.7.18" is Python 2, which Flower does not support; port the code to Python 3 and pin python 3.9 or newer',
    });
  });

  it.each([
    ['broken-yaml', 'conda.yaml', 'conda.yaml: is not valid YAML'],
    ['broken-toml', 'pyproject.toml', 'pyproject.toml: is not valid TOML (line 1, column 9'],
    [
      'include-outside',
      'requirements.txt',
      'requirements.txt: line 2 includes "../../outside.txt", which is outside the repo',
    ],
  ])('refuses the broken file in %s while reading, naming %s', (dir, file, message) => {
    const thrown = thrownBy(() => readModel(dir));
    expect(thrown).toBeInstanceOf(EnvFileError);
    expect((thrown as EnvFileError).file).toBe(file);
    expect((thrown as EnvFileError).message).toContain(message);
  });
});
