import { describe, expect, it } from 'vitest';
import { imageLabels, type LabelInput } from '../../../src/images/labels.js';

const INPUT: LabelInput = {
  sourceUrl: 'https://github.com/alice/mnist',
  revision: 'abc123',
  created: new Date('2024-05-06T07:08:09.010Z'),
  title: 'FLOps learner',
  builderVersion: '0.1.0',
  flwrVersion: '1.42.0',
  pythonVersion: '3.11',
  mlModelFlavor: 'sklearn',
  platforms: ['linux/amd64'],
  patches: [],
};

const BASE = {
  'org.opencontainers.image.source': 'https://github.com/alice/mnist',
  'org.opencontainers.image.revision': 'abc123',
  'org.opencontainers.image.created': '2024-05-06T07:08:09.010Z',
  'org.opencontainers.image.title': 'FLOps learner',
  'io.flops.image-builder.version': '0.1.0',
  'io.flops.flwr.version': '1.42.0',
  'io.flops.python.version': '3.11',
  'io.flops.ml-model-flavor': 'sklearn',
  'io.flops.platforms': 'linux/amd64',
  'io.flops.patches': '',
};

describe('imageLabels', () => {
  it.each<[Partial<LabelInput>, Record<string, string>]>([
    [{}, {}],
    [
      { patches: ['removed mlflow', 'pinned flwr==1.42.0'] },
      { 'io.flops.patches': 'removed mlflow; pinned flwr==1.42.0' },
    ],
    [{ platforms: ['linux/amd64', 'linux/arm64'] }, { 'io.flops.platforms': 'linux/amd64,linux/arm64' }],
  ])('%j → changes %j', (change, changed) => {
    expect(imageLabels({ ...INPUT, ...change })).toEqual({ ...BASE, ...changed });
  });

  it('leaves out the flavor and Flower labels when there are none (first argument form, serving images)', () => {
    const labels = imageLabels({ ...INPUT, mlModelFlavor: undefined, flwrVersion: undefined });
    expect(Object.keys(labels)).not.toContain('io.flops.ml-model-flavor');
    expect(Object.keys(labels)).not.toContain('io.flops.flwr.version');
  });
});
