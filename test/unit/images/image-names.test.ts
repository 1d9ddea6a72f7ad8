import { describe, expect, it } from 'vitest';
import { deriveImageNames, toRegistryComponent, trainedModelImageName } from '../../../src/images/image-names.js';
import type { RepoUrl } from '../../../src/tables/repo-url.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

function repo(owner: string, name: string): RepoUrl {
  return { kind: 'git', url: `https://host/${owner}/${name}`, display: `https://host/${owner}/${name}`, owner, name };
}

describe('deriveImageNames', () => {
  it('names <registry>/<owner>/<repo>/{learner,aggregator}:<sha>', () => {
    expect(deriveImageNames(repo('alice', 'mnist'), 'registry:5073', SHA)).toEqual({
      path: 'alice/mnist',
      learnerRepository: 'alice/mnist/learner',
      aggregatorRepository: 'alice/mnist/aggregator',
      learner: `registry:5073/alice/mnist/learner:${SHA}`,
      aggregator: `registry:5073/alice/mnist/aggregator:${SHA}`,
      tag: SHA,
      adjusted: null,
    });
  });

  it("names the trained model's image as the manager computes it: the customer lower-cased, the run as tag", () => {
    expect(trainedModelImageName('10.0.0.5:5073', 'Admin', 'run1')).toEqual({
      path: 'admin',
      repository: 'admin/trained_model',
      reference: '10.0.0.5:5073/admin/trained_model:run1',
      tag: 'run1',
    });
  });

  it.each([
    // owner, name, path, adjusted
    ['Alice', 'mnist', 'alice/mnist', null],
    ['Some.Org', 'my_repo', 'some.org/my_repo', null],
    ['alice', 'a__b', 'alice/a__b', null],
    ['alice', 'MNIST', 'alice/mnist', { from: 'alice/MNIST', to: 'alice/mnist' }],
    ['Alice', 'My Repo', 'alice/my-repo', { from: 'Alice/My Repo', to: 'alice/my-repo' }],
    ['alice', 'a..b', 'alice/a-b', { from: 'alice/a..b', to: 'alice/a-b' }],
    ['alice', 'a.-_b', 'alice/a-b', { from: 'alice/a.-_b', to: 'alice/a-b' }],
    ['alice', '_private', 'alice/private', { from: 'alice/_private', to: 'alice/private' }],
    ['alice', '.hidden.', 'alice/hidden', { from: 'alice/.hidden.', to: 'alice/hidden' }],
    ['-alice', 'mnist', 'alice/mnist', { from: '-alice/mnist', to: 'alice/mnist' }],
    ['Some Org', 'mnist', 'some-org/mnist', { from: 'Some Org/mnist', to: 'some-org/mnist' }],
    ['alice', '___', 'alice/repo', { from: 'alice/___', to: 'alice/repo' }],
  ])('%j/%j → %s, adjusted %j', (owner, name, path, adjusted) => {
    const names = deriveImageNames(repo(owner, name), 'r:1', 'abc');
    expect([names.learner, names.aggregator, names.adjusted]).toEqual([
      `r:1/${path}/learner:abc`,
      `r:1/${path}/aggregator:abc`,
      adjusted,
    ]);
  });
});

describe('toRegistryComponent', () => {
  it.each([
    ['mnist', 'mnist'],
    ['MNIST', 'mnist'],
    ['my repo', 'my-repo'],
    ['my   repo', 'my-repo'],
    ['a...b', 'a-b'],
    ['a__b', 'a__b'],
    ['a___b', 'a-b'],
    ['a--b', 'a-b'],
    ['--a--', 'a'],
    ['ünïcode', 'n-code'],
    ['', 'repo'],
    ['...', 'repo'],
  ])('%j → %j', (text, component) => {
    expect(toRegistryComponent(text)).toBe(component);
  });
});
