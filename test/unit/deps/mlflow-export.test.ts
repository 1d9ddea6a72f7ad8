import { describe, expect, it } from 'vitest';
import type { EnvSpec } from '../../../src/deps/env-spec.js';
import { mlflowExport } from '../../../src/deps/mlflow-export.js';

const requirement = (text: string, file: string, line: number) => ({ requirement: text, file, line });
const env = (overrides: Partial<EnvSpec>): EnvSpec => ({
  file: 'conda.yaml',
  format: 'conda',
  pythonConstraint: '=3.11.9',
  pythonSource: undefined,
  requirements: [requirement('mlflow==2.16.0', 'conda.yaml', 6), requirement('psutil==5.9.8', 'conda.yaml', 10)],
  constraints: [],
  pipOptions: [],
  conda: { name: 'mlflow-env', channels: ['conda-forge'], packages: [] },
  ...overrides,
});

describe('environment files MLflow wrote', () => {
  it("recognises MLflow's conda.yaml by its name and MLflow's own pin", () => {
    expect(mlflowExport(env({}))).toMatch(/^conda\.yaml is the environment MLflow exported .*mlflow==2\.16\.0/);
  });

  it("recognises a logged model's python_env.yaml with its requirements.txt", () => {
    const logged = env({
      file: 'python_env.yaml',
      format: 'python-env',
      conda: undefined,
      requirements: [requirement('mlflow==2.16.0', 'requirements.txt', 1)],
    });
    expect(mlflowExport(logged)).toMatch(/^python_env\.yaml and requirements\.txt are the environment MLflow logged/);
  });

  it.each([
    ['another name', { conda: { name: 'env', channels: [], packages: [] } }],
    ['no exact MLflow pin', { requirements: [requirement('mlflow>=2', 'conda.yaml', 6)] }],
    ['a requirements.txt', { file: 'requirements.txt', format: 'requirements' as const, conda: undefined }],
  ])('takes a file with %s as written by a person', (_what, overrides) => {
    expect(mlflowExport(env(overrides))).toBeUndefined();
  });
});
