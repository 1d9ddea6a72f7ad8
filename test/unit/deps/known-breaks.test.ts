import { describe, expect, it } from 'vitest';
import type { EnvSpec } from '../../../src/deps/env-spec.js';
import { KNOWN_BREAKS } from '../../../src/deps/plan/known-breaks.js';
import { type PlanOptions, planDependencies } from '../../../src/deps/plan/plan.js';

const OPTIONS: PlanOptions = {
  purpose: 'fl',
  python: '3.11',
  architecture: 'amd64',
  torchCuda: false,
  baseImage: undefined,
  condaBaseImage: 'docker.io/condaforge/miniforge3:24.11.3-0',
  imports: [],
};

function spec(requirements: string[]): EnvSpec {
  return {
    file: 'requirements.txt',
    format: 'requirements',
    pythonConstraint: undefined,
    pythonSource: undefined,
    requirements: requirements.map((requirement, index) => ({
      requirement,
      file: 'requirements.txt',
      line: index + 1,
    })),
    constraints: [],
    pipOptions: [],
    conda: undefined,
  };
}

const constraints = (requirements: string[], options: Partial<PlanOptions> = {}) =>
  planDependencies(spec(requirements), { ...OPTIONS, ...options }).constraints;
const LOADS = { imports: ['flops_utils.ml_repo_building_blocks'] };

describe('known breaks', () => {
  it.each([
    {
      case: 'load_dataset, numpy 1',
      requirements: ['numpy==1.26.4'],
      options: LOADS,
      bounds: ['datasets<4', 'pyarrow<26'],
    },
    { case: 'load_dataset, numpy 2', requirements: ['numpy>=2'], options: LOADS, bounds: ['datasets<4'] },
    { case: 'load_dataset, no numpy', requirements: ['scikit-learn'], options: LOADS, bounds: ['datasets<4'] },
    {
      case: 'load_ml_data, the older name',
      requirements: [],
      options: { imports: ['flops_utils.flops_learner_files_wrapper'] },
      bounds: ['datasets<4'],
    },
    { case: 'flwr_datasets', requirements: [], options: { imports: ['flwr_datasets'] }, bounds: ['datasets<4'] },
    { case: 'datasets listed unpinned', requirements: ['datasets'], options: LOADS, bounds: ['datasets<4'] },
    { case: "the repo's own datasets pin", requirements: ['datasets==4.0.0'], options: LOADS, bounds: [] },
    {
      case: "the repo's own pyarrow pin",
      requirements: ['numpy==1.26.4', 'pyarrow>=20'],
      options: LOADS,
      bounds: ['datasets<4'],
    },
    { case: 'no data loader, numpy 1', requirements: ['numpy==1.26.4'], options: {}, bounds: [] },
    {
      case: 'MLflow 2.12.1 serving',
      requirements: ['mlflow==2.12.1', 'numpy==1.26.4'],
      options: { purpose: 'serving' },
      bounds: ['pyarrow<26'],
    },
    {
      case: 'MLflow 2.17.2 serving',
      requirements: ['mlflow==2.17.2', 'numpy==2.1.3'],
      options: { purpose: 'serving' },
      bounds: [],
    },
    {
      case: 'MLflow 2.21.0 serving',
      requirements: ['mlflow==2.21.0'],
      options: { purpose: 'serving' },
      bounds: ['starlette<1'],
    },
    {
      case: 'MLflow 2.22.5 serving',
      requirements: ['mlflow==2.22.5'],
      options: { purpose: 'serving' },
      bounds: ['starlette<1'],
    },
    {
      case: 'MLflow 3.10.0 serving',
      requirements: ['mlflow==3.10.0'],
      options: { purpose: 'serving' },
      bounds: ['starlette<1'],
    },
    { case: 'MLflow 3.17.2 serving', requirements: ['mlflow==3.17.2'], options: { purpose: 'serving' }, bounds: [] },
    {
      case: "the model's own starlette",
      requirements: ['mlflow==2.22.5', 'starlette==0.46.2'],
      options: { purpose: 'serving' },
      bounds: [],
    },
  ])('$case: $bounds', ({ requirements, options, bounds }) => {
    expect(constraints(requirements, options as Partial<PlanOptions>)).toEqual(bounds);
  });

  it('keeps the datasets of load_dataset at 2.x/3.x behaviour even with the data loader packages listed by the repo', () => {
    const result = planDependencies(spec(['datasets', 'pyarrow']), { ...OPTIONS, ...LOADS });
    expect(result.constraints).toEqual(['datasets<4']);
    expect(result.patches.find((line) => line.startsWith('bounded datasets<4'))).toContain('Column');
  });

  it.each([
    {
      case: "MLflow 2.12.1 serving, python_env.yaml's unpinned setuptools",
      requirements: ['mlflow==2.12.1', 'setuptools'],
      purpose: 'serving',
      bounds: ['setuptools<81'],
    },
    {
      case: 'MLflow 2.12.1 serving, no setuptools (a requirement below 81, added beside MLflow)',
      requirements: ['mlflow==2.12.1'],
      purpose: 'serving',
      bounds: [],
    },
    {
      case: "MLflow 2.12.1 serving, the model's setuptools pin",
      requirements: ['mlflow==2.12.1', 'setuptools==69.5.1'],
      purpose: 'serving',
      bounds: [],
    },
    { case: 'MLflow 2.13.0 serving', requirements: ['mlflow==2.13.0', 'setuptools'], purpose: 'serving', bounds: [] },
    {
      case: "the FL aggregator's MLflow 2.12.1, unpinned setuptools",
      requirements: ['mlflow==2.12.1', 'setuptools'],
      purpose: 'fl',
      bounds: ['setuptools<81'],
    },
    { case: "the FL aggregator's mlflow<3", requirements: ['setuptools'], purpose: 'fl', bounds: [] },
  ] as const)('$case: $bounds', ({ requirements, purpose, bounds }) => {
    expect(constraints([...requirements], { purpose })).toEqual(bounds);
  });

  it('names a source for every break', () => {
    for (const entry of KNOWN_BREAKS) expect(entry.source, entry.name).toMatch(/^(https:\/\/|measured: )/);
  });
});
