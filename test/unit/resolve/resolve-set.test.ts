import { describe, expect, it } from 'vitest';
import { splitCheckable } from '../../../src/resolve/resolve-set.js';

describe('splitCheckable', () => {
  it('keeps what pip can check from wheels and leaves out what it would have to build', () => {
    const lines = [
      'numpy==1.26.4',
      'torch==2.1.0+cpu ; python_version < "3.12"',
      '--extra-index-url https://download.pytorch.org/whl/cpu',
      'mylib @ https://example.com/mylib-1.0-py3-none-any.whl#sha256=abc',
      'other @ https://example.com/other-1.0.tar.gz',
      'git+https://github.com/a/b.git@v1#egg=b',
      'c @ git+https://github.com/a/c.git',
      '-e ./local',
      './vendored/pkg',
      '--no-binary :all:',
    ];
    expect(splitCheckable(lines)).toEqual({
      checkable: lines.slice(0, 4),
      notChecked: [
        { requirement: 'other @ https://example.com/other-1.0.tar.gz', reason: 'direct-reference' },
        { requirement: 'git+https://github.com/a/b.git@v1#egg=b', reason: 'direct-reference' },
        { requirement: 'c @ git+https://github.com/a/c.git', reason: 'direct-reference' },
        { requirement: '-e ./local', reason: 'direct-reference' },
        { requirement: './vendored/pkg', reason: 'direct-reference' },
        { requirement: '--no-binary :all:', reason: 'no-binary-option' },
      ],
    });
  });
});
