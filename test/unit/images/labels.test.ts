import { describe, expect, it } from 'vitest';
import { imageLabels, type LabelInput } from '../../../src/images/labels.js';

const INPUT: LabelInput = {
  sourceUrl: 'https://github.com/alice/mnist',
  revision: 'abc123',
  created: new Date('2024-05-06T07:08:09.010Z'),
  role: 'learner',
  builderVersion: '0.1.0',
  flwrVersion: '1.42.0',
  pythonVersion: '3.11',
  patches: [],
};

describe('imageLabels', () => {
  it.each([
    [{}, 'FLOps learner', ''],
    [{ role: 'aggregator' as const }, 'FLOps aggregator', ''],
    [{ patches: ['removed mlflow'] }, 'FLOps learner', 'removed mlflow'],
    [{ patches: ['removed mlflow', 'pinned flwr==1.42.0'] }, 'FLOps learner', 'removed mlflow; pinned flwr==1.42.0'],
  ])('%j → title %j, patches %j', (change, title, patches) => {
    expect(imageLabels({ ...INPUT, ...change })).toEqual({
      'org.opencontainers.image.source': 'https://github.com/alice/mnist',
      'org.opencontainers.image.revision': 'abc123',
      'org.opencontainers.image.created': '2024-05-06T07:08:09.010Z',
      'org.opencontainers.image.title': title,
      'io.flops.image-builder.version': '0.1.0',
      'io.flops.flwr.version': '1.42.0',
      'io.flops.python.version': '3.11',
      'io.flops.patches': patches,
    });
  });
});
