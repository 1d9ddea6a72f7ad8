import { describe, expect, it } from 'vitest';
import { builtDepsTags, type DepsImage } from '../../../src/images/deps-build.js';
import { hostPlatform } from '../../../src/platforms.js';

const image = (role: DepsImage['role'], built: boolean, local = built): DepsImage => ({
  role,
  platform: hostPlatform(),
  tag: `${role}-amd64-abc`,
  reference: `r:5000/p/flops-deps:${role}-amd64-abc`,
  built,
  local,
  inputsTag: undefined,
  modules: undefined,
});

describe('builtDepsTags', () => {
  it('names what the job left tagged: the dependency images it built and its install stages, not those reused', () => {
    const build = {
      images: [image('learner', false), image('aggregator', true)],
      checks: [],
      installTags: ['localhost/flops-install:amd64-learner-d1', 'localhost/flops-install:amd64-aggregator-d1'],
    };
    expect(builtDepsTags(build)).toEqual([
      'r:5000/p/flops-deps:aggregator-amd64-abc',
      'localhost/flops-install:amd64-learner-d1',
      'localhost/flops-install:amd64-aggregator-d1',
    ]);
    expect(builtDepsTags(undefined)).toEqual([]);
  });
});
