import { describe, expect, it } from 'vitest';
import type { CondaPackage, EnvSpec, Requirement } from '../../../src/deps/env-spec.js';
import { PKG_RESOURCES } from '../../../src/deps/plan/fl-additions.js';
import {
  DependencyRefusal,
  type PlanOptions,
  planDependencies,
  type RefusalCode,
} from '../../../src/deps/plan/plan.js';

const OPTIONS: PlanOptions = {
  purpose: 'fl',
  python: '3.11',
  architecture: 'amd64',
  torchCuda: false,
  baseImage: undefined,
  condaBaseImage: 'docker.io/condaforge/miniforge3:24.11.3-0',
  imports: [],
};

function spec(requirements: (string | Requirement)[], extra: Partial<EnvSpec> = {}): EnvSpec {
  return {
    file: 'requirements.txt',
    format: 'requirements',
    pythonConstraint: undefined,
    pythonSource: undefined,
    requirements: requirements.map((item, index) =>
      typeof item === 'string' ? { requirement: item, file: 'requirements.txt', line: index + 1 } : item,
    ),
    constraints: [],
    pipOptions: [],
    conda: undefined,
    ...extra,
  };
}

const plan = (env: EnvSpec, options: Partial<PlanOptions> = {}) => planDependencies(env, { ...OPTIONS, ...options });
/** The refusal's code and message; tests assert the code, and that the message names the lines at fault. */
const refusal = (env: EnvSpec, options: Partial<PlanOptions> = {}): { code: RefusalCode; message: string } => {
  try {
    plan(env, options);
  } catch (error) {
    if (error instanceof DependencyRefusal) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a DependencyRefusal');
};

describe('planDependencies', () => {
  it('removes flwr and paho-mqtt (the builder pins its own) from requirements and constraints', () => {
    const result = plan(
      spec(['flwr[simulation]==1.5.0', 'paho-mqtt<2', 'numpy'], {
        constraints: [{ requirement: 'flwr<1.10', file: 'c.txt', line: 1 }],
      }),
    );
    expect([result.requirements, result.constraints, result.patches]).toEqual([
      ['numpy'],
      [],
      [
        'removed flwr[simulation]==1.5.0 (requirements.txt:1): the builder installs one Flower release shared by learner and aggregator',
        'removed paho-mqtt<2 (requirements.txt:2): the builder installs the paho-mqtt its FL components are tested with',
        'removed flwr<1.10 (c.txt:1): the builder installs one Flower release shared by learner and aggregator',
      ],
    ]);
  });

  it('drops --require-hashes even when no line carries a hash', () => {
    const result = plan(
      spec(['numpy==1.26.4'], { pipOptions: [{ option: '--require-hashes', file: 'requirements.txt', line: 1 }] }),
    );
    expect([result.pipOptions, result.patches]).toEqual([
      [],
      [
        'dropped --require-hashes: hashes are checked for every package or none, and Flower and paho-mqtt are added without them (the versions stay pinned; the lock the builder makes has hashes for every package)',
      ],
    ]);
  });

  it("keeps the repo's spelling of names and its URL requirements", () => {
    expect(
      plan(spec(['Scikit_Learn==1.4.2', 'lib @ https://example.org/lib-1.0-py3-none-any.whl'])).requirements,
    ).toEqual(['Scikit_Learn==1.4.2', 'lib @ https://example.org/lib-1.0-py3-none-any.whl']);
  });

  it.each<[string, RefusalCode]>([
    ['./libs/helper', 'LOCAL_PATH_REQUIREMENT'],
    ['file:///opt/lib', 'LOCAL_PATH_REQUIREMENT'],
    ['lib @ git+https://github.com/a/lib.git', 'VCS_REQUIREMENT'],
  ])('refuses %j: %s', (requirement, code) => {
    const refused = refusal(spec([requirement]));
    expect(refused.code).toBe(code);
    expect(refused.message).toContain(`${requirement} (requirements.txt:1)`);
  });

  it('leaves requirements whose marker excludes the python out of every decision', () => {
    const result = plan(
      spec(['tensorflow==2.12.1; python_version < "3.12"', 'tensorflow==2.16.2; python_version >= "3.12"']),
      { python: '3.12' },
    );
    expect([result.flwrVersion, result.requirements.length]).toEqual(['1.23.0', 2]);
  });

  it('refuses pins that clash with what a pinned framework needs', () => {
    const refused = refusal(spec(['tensorflow==2.15.0', 'numpy==2.1.0']));
    expect(refused.code).toBe('PINS_CONFLICT');
    expect(refused.message).toContain('numpy==2.1.0 (requirements.txt:2)');
    expect(refused.message).toContain('tensorflow==2.15.0 (requirements.txt:1), which needs numpy>=1.23.5,<2.0.0');
  });

  it('refuses a pin above what every Flower release accepts (a pin is never lowered)', () => {
    const refused = refusal(spec(['protobuf==7.1.0']));
    expect(refused.code).toBe('NO_FLOWER_FITS');
    expect(refused.message).toContain('flwr 1.42.0 needs protobuf>=5.28.0,<7.0.0');
  });

  describe('what the FL images add', () => {
    it.each([
      ['mlflow==2.12.1', 'mlflow==2.12.1', "the repo's pin mlflow==2.12.1 (requirements.txt:1)"],
      ['mlflow==3.1.0', 'mlflow<3', 'in place of mlflow==3.1.0 (requirements.txt:1)'],
    ])('with %j the learner has no mlflow and the aggregator gets %s', (line, client, said) => {
      const result = plan(spec([line]));
      expect(result.requirements).toEqual([]);
      expect(result.aggregatorPins).toEqual([client, PKG_RESOURCES]);
      expect(result.patches.at(-1)).toContain(said);
    });

    it('gives the aggregator the newest MLflow 2.x client, without a patch line, when the repo never mentions mlflow', () => {
      const result = plan(spec(['numpy']));
      expect([result.aggregatorPins, result.patches]).toEqual([['mlflow<3', PKG_RESOURCES], []]);
    });

    it('says the learner gets a stand-in when the code imports mlflow', () => {
      const result = plan(spec(['mlflow==2.12.1']), { imports: ['mlflow', 'mlflow.sklearn'] });
      expect(result.patches.at(-1)).toMatch(/^the learner imports a stand-in for mlflow that reports nowhere; /);
    });

    it.each([
      ['flops-utils==0.6.1'],
      ['git+https://github.com/oakestra/addon-FLOps.git@main#subdirectory=utils_library'],
      ['flops_utils @ git+https://github.com/oakestra/addon-FLOps.git@main#subdirectory=utils_library'],
    ])('removes %j: the images bring their own flops_utils (no refusal of the git URL)', (line) => {
      const result = plan(spec([line, 'numpy']));
      expect(result.requirements).toEqual(['numpy']);
      expect(result.patches[0]).toContain("the images bring FLOps' own flops_utils");
    });

    it("adds the data loader packages when the code imports load_dataset, keeping the repo's own pins", () => {
      const result = plan(spec(['pillow==10.0.1']), { imports: ['flops_utils.ml_repo_building_blocks'] });
      expect(result.runtimePins).toEqual(['flwr==1.42.0', 'paho-mqtt==2.2.0', 'datasets', 'pyarrow']);
      expect(result.requirements).toEqual(['pillow==10.0.1']);
      expect(result.patches).toContain(
        "added datasets, pyarrow: the code imports flops_utils.ml_repo_building_blocks, and load_dataset() reads the node's data server (Arrow Flight) into a Hugging Face dataset, images included",
      );
    });

    it("adds them for upstream's older name flops_utils.flops_learner_files_wrapper (load_ml_data) too", () => {
      const result = plan(spec(['numpy']), { imports: ['flops_utils.flops_learner_files_wrapper'] });
      expect(result.runtimePins).toEqual(['flwr==1.42.0', 'paho-mqtt==2.2.0', 'datasets', 'pyarrow', 'pillow']);
    });

    it('adds nothing for imports the repo does not make', () => {
      expect(plan(spec(['numpy'])).runtimePins).toEqual(['flwr==1.42.0', 'paho-mqtt==2.2.0']);
    });
  });

  describe('a trained model (serving)', () => {
    it('keeps mlflow, adds no Flower and no aggregator client', () => {
      const result = plan(spec(['mlflow==2.12.1', 'scikit-learn==1.4.2']), { purpose: 'serving' });
      expect([result.requirements, result.runtimePins, result.aggregatorPins, result.flwrVersion]).toEqual([
        ['mlflow==2.12.1', 'scikit-learn==1.4.2'],
        [PKG_RESOURCES],
        [],
        undefined,
      ]);
      expect(result.patches).toContain(
        `added ${PKG_RESOURCES}: MLflow releases before 2.13 import pkg_resources, which only setuptools provides`,
      );
    });

    it("adds no setuptools beside the repo's own", () => {
      const result = plan(spec(['mlflow==2.12.1', 'setuptools==69.5.1']), { purpose: 'serving' });
      expect(result.runtimePins).toEqual([]);
      expect(plan(spec(['mlflow==2.12.1', 'setuptools==69.5.1'])).aggregatorPins).toEqual(['mlflow==2.12.1']);
    });
  });

  describe('a training image', () => {
    it("keeps the repo's flwr, flops_utils and mlflow pins, adds no Flower and nothing for the FL runtime", () => {
      const result = plan(
        spec(['flwr==1.8.0', 'flops-utils', 'mlflow==2.12.1', 'datasets==2.19.0', 'scikit-learn==1.4.2']),
        { purpose: 'training', imports: ['flops_utils', 'datasets'] },
      );
      expect([result.requirements, result.runtimePins, result.aggregatorPins, result.flwrVersion]).toEqual([
        ['flwr==1.8.0', 'flops-utils', 'mlflow==2.12.1', 'datasets==2.19.0', 'scikit-learn==1.4.2'],
        [PKG_RESOURCES],
        [],
        undefined,
      ]);
    });

    it('still makes torch CPU-only, as for the FL images', () => {
      expect(plan(spec(['torch==2.3.1']), { purpose: 'training' }).requirements).toEqual(['torch==2.3.1+cpu']);
    });
  });

  describe('PyTorch', () => {
    it('narrows a torchvision range to the release built for the pinned torch', () => {
      expect(plan(spec(['torch==2.3.1', 'torchvision>=0.18'])).requirements).toEqual([
        'torch==2.3.1+cpu',
        'torchvision==0.18.1+cpu',
      ]);
    });

    it('refuses a torchvision range without the release built for the pinned torch', () => {
      const refused = refusal(spec(['torch==2.3.1', 'torchvision<0.18']));
      expect(refused.code).toBe('TORCH_COMPANION_MISMATCH');
      expect(refused.message).toContain('pin torchvision==0.18.1 or remove the torchvision pin');
    });

    it('leaves companions alone when torch is not pinned exactly, and unpinned torch gets the CPU index only', () => {
      const result = plan(spec(['torch>=2.1', 'torchaudio']));
      expect([result.requirements, result.pipOptions]).toEqual([
        ['torch>=2.1', 'torchaudio'],
        ['--extra-index-url https://download.pytorch.org/whl/cpu'],
      ]);
    });

    it("with --torch-cuda keeps PyPI's wheels and the repo's CUDA index", () => {
      const env = spec(['torch==2.1.1', 'torchvision'], {
        pipOptions: [
          { option: '--extra-index-url https://download.pytorch.org/whl/cu121', file: 'requirements.txt', line: 1 },
        ],
      });
      const result = plan(env, { torchCuda: true });
      expect([result.requirements, result.pipOptions]).toEqual([
        ['torch==2.1.1', 'torchvision==0.16.1'],
        ['--extra-index-url https://download.pytorch.org/whl/cu121'],
      ]);
    });

    it('does not add the CPU index twice', () => {
      const env = spec(['torch==2.1.1'], {
        pipOptions: [
          { option: '--extra-index-url https://download.pytorch.org/whl/cpu', file: 'requirements.txt', line: 1 },
        ],
      });
      expect(plan(env).pipOptions).toEqual(['--extra-index-url https://download.pytorch.org/whl/cpu']);
    });
  });

  describe('base image', () => {
    it('uses --base-image on the pip path and --conda-base-image on the conda path', () => {
      const mkl: CondaPackage = { spec: 'mkl', name: 'mkl', kind: 'conda-only', file: 'environment.yml', line: 3 };
      const condaEnv = spec([], {
        file: 'environment.yml',
        format: 'conda',
        conda: { name: 'flops', channels: [], packages: [mkl] },
      });
      expect(plan(spec(['numpy']), { baseImage: 'registry.local/python:3.11' }).baseImage).toBe(
        'registry.local/python:3.11',
      );
      expect(
        plan(condaEnv, { baseImage: 'registry.local/python:3.11', condaBaseImage: 'registry.local/miniforge:1' }),
      ).toMatchObject({
        installer: 'conda',
        baseImage: 'registry.local/miniforge:1',
        condaEnvironment: { name: 'flops', channels: ['conda-forge'], dependencies: ['python=3.11', 'pip', 'mkl'] },
      });
    });

    it("raises a conda package's pin in the conda environment file on the conda path", () => {
      const env = spec(
        [
          { requirement: 'numpy==2.0.2', file: 'environment.yml', line: 4, fromConda: 'numpy=2.0.2' },
          { requirement: 'protobuf==3.20.3', file: 'environment.yml', line: 5, fromConda: 'protobuf=3.20.3=py312h_0' },
        ],
        {
          file: 'environment.yml',
          format: 'conda',
          conda: {
            name: undefined,
            channels: ['conda-forge'],
            packages: [{ spec: 'ffmpeg', name: 'ffmpeg', kind: 'conda-only', file: 'environment.yml', line: 3 }],
          },
        },
      );
      const result = plan(env, { python: '3.12' });
      expect([result.flwrVersion, result.requirements, result.condaEnvironment?.dependencies]).toEqual([
        '1.23.0',
        [],
        ['python=3.12', 'pip', 'ffmpeg', 'numpy=2.0.2', 'protobuf>=4.21.6,<5.0.0'],
      ]);
    });
  });
});
