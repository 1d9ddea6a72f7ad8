import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyPipFailure, type PipFailure, readPipReport, readPipVersions } from '../../../src/tools/pip-output.js';

// Real output of pip 26.3 (stdout then stderr) for dry-run installs against PyPI; see test/fixtures/pip.
const sample = (name: string): string[] =>
  readFileSync(new URL(`../../fixtures/pip/${name}`, import.meta.url), 'utf8').split('\n');

describe('classifyPipFailure', () => {
  it.each<[string, readonly string[], PipFailure]>([
    [
      'conflict-protobuf.log',
      ['protobuf==3.20.3'],
      {
        kind: 'conflict',
        requirements: ['flwr==1.42.0', 'protobuf==3.20.3'],
        causes: ['The user requested protobuf==3.20.3', 'flwr 1.42.0 depends on protobuf<7.0.0 and >=5.28.0'],
      },
    ],
    [
      'conflict-tensorflow.log',
      ['numpy==1.26.4', 'tensorflow==2.15.0'],
      {
        kind: 'conflict',
        requirements: ['tensorflow==2.15.0', 'flwr==1.42.0'],
        causes: [
          'flwr 1.42.0 depends on protobuf<7.0.0 and >=5.28.0',
          'tensorflow 2.15.0 depends on protobuf!=4.21.0, !=4.21.1, !=4.21.2, !=4.21.3, !=4.21.4, !=4.21.5, <5.0.0dev and >=3.20.3',
        ],
      },
    ],
    [
      'conflict-range.log',
      ['numpy>=1.20,<1.26', 'scipy'],
      {
        kind: 'conflict',
        requirements: ['flwr==1.42.0', 'numpy<1.26 and >=1.20'],
        causes: ['The user requested numpy<1.26 and >=1.20', 'flwr 1.42.0 depends on numpy<3.0.0 and >=1.26.0'],
      },
    ],
    [
      'no-release-for-python.log',
      ['numpy==2.3.0'],
      { kind: 'no-distribution', requirement: 'numpy==2.3.0', project: 'numpy', parent: undefined },
    ],
    [
      'source-only-pin.log',
      ['numpy==1.21.0'],
      { kind: 'no-distribution', requirement: 'numpy==1.21.0', project: 'numpy', parent: undefined },
    ],
    [
      'source-only-transitive.log',
      ['hydra-core==1.3.2'],
      {
        kind: 'no-distribution',
        requirement: 'antlr4-python3-runtime==4.9.*',
        project: 'antlr4-python3-runtime',
        parent: 'hydra-core',
      },
    ],
    [
      'no-such-package.log',
      ['nmupy-does-not-exist==1.0'],
      {
        kind: 'no-distribution',
        requirement: 'nmupy-does-not-exist==1.0',
        project: 'nmupy-does-not-exist',
        parent: undefined,
      },
    ],
    [
      'index-unreachable.log',
      ['numpy==1.26.4'],
      {
        kind: 'index',
        tls: false,
        detail:
          "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError(\"HTTPSConnection(host='127.0.0.1', port=9): Failed to establish a new connection: [Errno 111] Connection refused\")': /simple/numpy/",
      },
    ],
    [
      'tls-failure.log',
      ['six'],
      {
        kind: 'index',
        tls: true,
        detail:
          'Could not fetch URL https://pypi.org/simple/six/: There was a problem confirming the ssl certificate: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:992) - skipping',
      },
    ],
  ])('reads %s', (file, fileLines, failure) => {
    expect(classifyPipFailure(sample(file), fileLines)).toEqual(failure);
  });

  it("quotes pip's errors, shortened, for anything else", () => {
    const failure = classifyPipFailure(sample('hash-mode.log'));
    expect(failure.kind).toBe('other');
    expect(failure.kind === 'other' && failure.detail).toMatch(
      /^Hashes are required in --require-hashes mode, .{200,}…$/,
    );
  });

  it('finds the conflict whatever order the two streams were read in', () => {
    const lines = sample('conflict-protobuf.log');
    const errors = lines.filter((line) => line.startsWith('ERROR:'));
    const shuffled = [...errors, ...lines.filter((line) => !line.startsWith('ERROR:'))];
    expect(classifyPipFailure(shuffled, ['protobuf==3.20.3'])).toEqual(classifyPipFailure(lines, ['protobuf==3.20.3']));
  });
});

describe('readPipReport', () => {
  it('reads what would be installed, the pip version and the marker environment', () => {
    const report = readPipReport(
      readFileSync(new URL('../../fixtures/pip/report-markers-3.12.json', import.meta.url), 'utf8'),
    );
    expect(report.packages).toEqual([{ name: 'six', version: '1.17.0' }]);
    expect([report.pipVersion, report.environment.python_version, report.environment.python_full_version]).toEqual([
      '26.3',
      '3.12',
      '3.12.0',
    ]);
  });

  it('takes an empty install list and skips entries without metadata', () => {
    expect(
      readPipReport('{"version":"1","install":[{"metadata":{"name":"a"}},{"metadata":{"name":"b","version":"2"}}]}'),
    ).toEqual({
      pipVersion: '',
      packages: [{ name: 'b', version: '2' }],
      environment: {},
    });
  });
});

describe('readPipVersions', () => {
  it.each<[string, string[]]>([
    ['{"name": "docopt", "versions": ["0.6.2", "0.6.1"], "latest": "0.6.2"}', ['0.6.2', '0.6.1']],
    ['{"name": "x"}', []],
  ])('reads %s', (json, versions) => {
    expect(readPipVersions(json)).toEqual(versions);
  });
});
