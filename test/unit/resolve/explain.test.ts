import { describe, expect, it } from 'vitest';
import {
  type ExplainContext,
  explainConflict,
  explainIndexFailure,
  explainNotChecked,
  explainNotFound,
} from '../../../src/resolve/explain.js';

const CONTEXT: ExplainContext = {
  python: '3.11',
  architecture: 'amd64',
  envFile: 'conda.yaml',
  flwrVersion: '1.42.0',
  indexUrl: 'https://pypi.org/simple',
  builderProjects: ['flwr', 'paho-mqtt'],
};

describe('explainConflict', () => {
  it('names the repo pin to relax and why flwr needs what it needs', () => {
    const message = explainConflict(
      {
        status: 'conflict',
        requirements: ['flwr==1.42.0', 'protobuf==3.20.3'],
        causes: ['The user requested protobuf==3.20.3', 'flwr 1.42.0 depends on protobuf<7.0.0 and >=5.28.0'],
        notChecked: [],
      },
      CONTEXT,
    );
    expect(message).toBe(
      'flwr==1.42.0 and protobuf==3.20.3 cannot be installed together on python 3.11 (The user requested protobuf==3.20.3; flwr 1.42.0 depends on protobuf<7.0.0 and >=5.28.0). ' +
        'Relax or remove the pin protobuf==3.20.3 in conda.yaml: the images need flwr 1.42.0, the Flower release for python 3.11, and its requirements.',
    );
  });

  it('asks to relax one of several repo pins that clash with each other', () => {
    const message = explainConflict(
      {
        status: 'conflict',
        requirements: ['pandas==2.2.3', 'numpy==1.22.0', 'scipy==1.15'],
        causes: [],
        notChecked: [],
      },
      CONTEXT,
    );
    expect(message).toBe(
      'pandas==2.2.3, numpy==1.22.0 and scipy==1.15 cannot be installed together on python 3.11. Relax or remove the pins pandas==2.2.3, numpy==1.22.0 and scipy==1.15 in conda.yaml until their requirements overlap.',
    );
  });

  it("calls a clash of the builder's own pins a bug", () => {
    expect(
      explainConflict(
        { status: 'conflict', requirements: ['flwr==1.42.0', 'paho-mqtt==2.2.0'], causes: [], notChecked: [] },
        CONTEXT,
      ),
    ).toMatch(/builder's own pins: please report this as a bug/);
  });
});

describe('explainNotFound', () => {
  it('lists versions that install when the pinned one does not', () => {
    const message = explainNotFound(
      {
        status: 'not-found',
        requirement: 'numpy==2.3.0',
        project: 'numpy',
        parent: undefined,
        wheelVersions: ['2.2.6', '2.2.5', '2.2.4', '2.2.3', '2.2.2', '2.2.1', '2.2.0'],
      },
      { ...CONTEXT, python: '3.10' },
    );
    expect(message).toBe(
      'numpy==2.3.0 cannot be installed: no release of numpy that matches it installs on python 3.10 on linux/amd64. Versions that do: 2.2.6, 2.2.5, 2.2.4, 2.2.3, 2.2.2, 2.2.1, …. Pick one of them in conda.yaml.',
    );
  });

  it('points at the parent for a dependency of a dependency', () => {
    const message = explainNotFound(
      { status: 'not-found', requirement: 'x<1', project: 'x', parent: 'lib', wheelVersions: ['1.0'] },
      CONTEXT,
    );
    expect(message).toBe(
      'x<1, which lib requires, cannot be installed: no release of x that matches it installs on python 3.11 on linux/amd64. Versions that do: 1.0. Pick a version of lib that accepts one of them.',
    );
  });

  it('asks to check the name when the index has nothing', () => {
    expect(
      explainNotFound(
        { status: 'not-found', requirement: 'nmupy==1.0', project: 'nmupy', parent: undefined, wheelVersions: [] },
        CONTEXT,
      ),
    ).toBe(
      'nmupy==1.0 cannot be installed: the package index https://pypi.org/simple has no release of nmupy for python 3.11 on linux/amd64. ' +
        'Check the name in conda.yaml, the python version it asks for and, for a private index, the credentials in its URL (pip hears "not found" when an index refuses them).',
    );
  });
});

describe('explainIndexFailure', () => {
  it.each<[boolean, string, RegExp]>([
    [
      true,
      'bad cert',
      /^pip could not verify the TLS certificate of the package index https:\/\/pypi.org\/simple \(bad cert\)\. .*--ca-cert.*--skip-resolve\.$/,
    ],
    [
      false,
      'bad cert',
      /^pip could not use the package index https:\/\/pypi.org\/simple \(bad cert\)\. Check PIP_INDEX_URL.*--skip-resolve\.$/,
    ],
    [
      false,
      'NameResolutionError("HTTPSConnection(host=\'download.pytorch.org\', port=443): Failed to resolve")',
      /^pip could not use the package index at download\.pytorch\.org \(/,
    ],
    [
      true,
      'Could not fetch URL https://mirror.example:8443/simple/six/: There was a problem confirming the ssl certificate',
      /^pip could not verify the TLS certificate of the package index at mirror\.example \(/,
    ],
  ])('with tls %s and %s', (tls, detail, pattern) => {
    expect(explainIndexFailure({ status: 'index-failed', tls, detail }, CONTEXT)).toMatch(pattern);
  });
});

describe('explainNotChecked', () => {
  it.each<[Parameters<typeof explainNotChecked>[0], string]>([
    [
      { requirement: 'git+https://h/x.git', reason: 'direct-reference' },
      'git+https://h/x.git: not checked (a VCS, path or source-archive reference, which pip would have to build)',
    ],
    [
      { requirement: '--no-binary :all:', reason: 'no-binary-option' },
      '--no-binary :all:: not checked (it asks pip to build from source)',
    ],
    [
      { requirement: 'antlr4-python3-runtime==4.9.*', reason: 'source-only', parent: 'hydra-core' },
      'antlr4-python3-runtime==4.9.* (required by hydra-core): not checked, it has no wheel for python 3.11 on linux/amd64, only source releases; the build compiles it, which fails if it needs a compiler',
    ],
  ])('%o', (item, line) => {
    expect(explainNotChecked(item, CONTEXT)).toBe(line);
  });
});
