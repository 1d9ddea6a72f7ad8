// The import check itself: repos' import sites against images' providers, as the imports phase hands them over.

import { describe, expect, it } from 'vitest';
import { checkImports, type ImportSite, unprovidedMessage } from '../../../src/imports/check-imports.js';
import { distributionFor } from '../../../src/imports/distribution-names.js';

const site = (module: string, file: string, line: number, optional = false): ImportSite => ({
  module,
  file,
  line,
  optional,
});
/** A learner and an aggregator on numpy and scikit-learn, python 3.11, mlflow a stand-in in one and real in the other. */
const common: [string, string][] = [
  ['os', 'python 3.11.2'],
  ['typing', 'python 3.11.2'],
  ['numpy', 'numpy 1.26.4'],
  ['sklearn', 'scikit-learn 1.4.2'],
  ['flwr', 'flwr 1.42.0'],
  ['flops_utils', 'the FLOps runtime'],
];
const IMAGES = [
  { name: 'learner', providers: new Map([...common, ['mlflow', "the learner's stand-in"]]) },
  { name: 'aggregator', providers: new Map([...common, ['mlflow', 'mlflow 2.22.0']]) },
];
const OWN = ['model_manager', 'data_manager', 'helpers', 'shapes'];

describe('checkImports', () => {
  it('refuses a module no image provides, with every place that imports it', () => {
    const sites = [
      site('os', 'model_manager.py', 1),
      site('lightgbm', 'model_manager.py', 2),
      site('lightgbm', 'x.py', 9),
    ];
    const found = checkImports(sites, OWN, IMAGES);
    expect(found.unprovided).toEqual([
      { module: 'lightgbm', sites: [sites[1], sites[2]], images: ['learner', 'aggregator'] },
    ]);
    expect(found.provided.lightgbm).toEqual({ learner: 'not provided', aggregator: 'not provided' });
  });

  it.each([
    ['sklearn with scikit-learn installed', [site('sklearn', 'model_manager.py', 3)], 'scikit-learn 1.4.2'],
    ['an optional import', [site('ujson', 'model_manager.py', 4, true)], 'not provided (optional)'],
    ['its own sub-package', [site('helpers', 'model_manager.py', 5)], 'the repo'],
    ['a module of its own at any depth', [site('shapes', 'helpers/plot.py', 1)], 'the repo'],
    ['flops_utils', [site('flops_utils', 'data_manager.py', 3)], 'the FLOps runtime'],
  ])('accepts %s', (_name, sites, learner) => {
    const found = checkImports(sites, OWN, IMAGES);
    expect(found.unprovided).toEqual([]);
    expect(Object.values(found.provided)[0]?.learner).toBe(learner);
  });

  it('accepts mlflow in learner code: the stand-in in the learner, the client in the aggregator', () => {
    const found = checkImports([site('mlflow', 'model_manager.py', 3)], OWN, IMAGES);
    expect(found.unprovided).toEqual([]);
    expect(found.provided.mlflow).toEqual({ learner: "the learner's stand-in", aggregator: 'mlflow 2.22.0' });
  });

  it('refuses a module imported optionally in one place and required in another, naming the required place', () => {
    const sites = [site('ujson', 'a.py', 2, true), site('ujson', 'b.py', 7)];
    expect(checkImports(sites, OWN, IMAGES).unprovided).toEqual([
      { module: 'ujson', sites: [sites[1]], images: ['learner', 'aggregator'] },
    ]);
  });

  it('names the images that lack a module when others have it', () => {
    const images = [IMAGES[0], { name: 'aggregator', providers: new Map(common) }].filter(
      (image) => image !== undefined,
    );
    const found = checkImports([site('mlflow', 'model_manager.py', 3)], OWN, images);
    expect(found.unprovided).toEqual([
      { module: 'mlflow', sites: [site('mlflow', 'model_manager.py', 3)], images: ['aggregator'] },
    ]);
  });

  it('leaves an image without a module list unchecked, and says so', () => {
    const found = checkImports([site('lightgbm', 'model_manager.py', 1)], OWN, [
      { name: 'learner', providers: undefined },
    ]);
    expect(found).toEqual({ provided: { lightgbm: {} }, unprovided: [], unchecked: ['learner'] });
  });
});

describe('unprovidedMessage', () => {
  const images = ['learner', 'aggregator'];

  it('names the module, its file and line, the distribution to add and the environment file', () => {
    const message = unprovidedMessage(
      [{ module: 'lightgbm', sites: [site('lightgbm', 'model_manager.py', 1)], images }],
      'conda.yaml',
      images,
    );
    expect(message).toContain('lightgbm (imported at model_manager.py line 1): add lightgbm;');
    expect(message).toContain('list each in conda.yaml');
    expect(message).toContain('try/except ImportError');
  });

  it('names the distribution of a module named otherwise, further places, and an image that alone lacks it', () => {
    const cv2 = [site('cv2', 'a.py', 3), site('cv2', 'b.py', 4), site('cv2', 'c.py', 5)];
    const message = unprovidedMessage(
      [
        { module: 'cv2', sites: cv2, images },
        { module: 'yaml', sites: [site('yaml', 'd.py', 1)], images: ['aggregator'] },
      ],
      'requirements.txt',
      images,
    );
    expect(message).toContain(
      'cv2 (imported at a.py line 3 and 2 more): add opencv-python-headless (the distribution that provides cv2)',
    );
    expect(message).toContain('yaml (imported at d.py line 1, missing in the aggregator image): add pyyaml');
  });
});

describe('distributionFor', () => {
  it.each([
    ['sklearn', 'scikit-learn'],
    ['cv2', 'opencv-python-headless'],
    ['PIL', 'pillow'],
    ['yaml', 'pyyaml'],
    ['lightgbm', 'lightgbm'],
    ['flwr_datasets', 'flwr-datasets'],
  ])('%s → %s', (module, distribution) => {
    expect(distributionFor(module)).toBe(distribution);
  });
});
