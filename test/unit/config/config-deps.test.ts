// The options that shape the images' dependencies: python minors, the conda base image, CUDA wheels.

import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/config.js';
import { ARGS, problems, run } from '../../helpers/load-config.js';

describe('dependency options', () => {
  it('defaults: python 3.9 to 3.12, the pinned conda image, CPU-only torch', () => {
    const config = run([...ARGS]);
    expect([config.pythonVersions, config.condaBaseImage, config.torchCuda]).toEqual([
      ['3.9', '3.10', '3.11', '3.12'],
      undefined,
      false,
    ]);
  });

  it.each<[string[], NodeJS.ProcessEnv, Partial<Config>]>([
    [['--python-versions', '3.12,3.10'], {}, { pythonVersions: ['3.10', '3.12'] }],
    [[], { FLOPS_PYTHON_VERSIONS: '3.11' }, { pythonVersions: ['3.11'] }],
    [['--python-versions', '3.13'], { FLOPS_PYTHON_VERSIONS: '3.11' }, { pythonVersions: ['3.13'] }],
    [
      ['--conda-base-image', 'registry.local/miniforge3:24.11.3-0'],
      {},
      { condaBaseImage: 'registry.local/miniforge3:24.11.3-0' },
    ],
    [[], { FLOPS_CONDA_BASE_IMAGE: 'registry.local/conda:1' }, { condaBaseImage: 'registry.local/conda:1' }],
    [['--torch-cuda'], {}, { torchCuda: true }],
    [[], { FLOPS_TORCH_CUDA: '1' }, { torchCuda: true }],
    [[], { FLOPS_TORCH_CUDA: '0' }, { torchCuda: false }],
  ])('%j with %j', (options, env, expected) => {
    expect(run([...ARGS, ...options], env)).toMatchObject(expected);
  });

  it('reports every bad dependency option, naming it and saying what is accepted', () => {
    expect(problems([...ARGS, '--python-versions', '3.7,three', '--conda-base-image=-x'])).toEqual([
      '--conda-base-image "-x": must be an image reference, not starting with "-"',
      '--python-versions "3.7,three": expected python minors such as 3.10,3.11 (comma-separated); cannot read "three"',
    ]);
    expect(problems([...ARGS], { FLOPS_PYTHON_VERSIONS: '3.7' })).toEqual([
      '--python-versions "3.7": no Flower release the builder knows supports python 3.7',
    ]);
  });
});
