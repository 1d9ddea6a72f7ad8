import { describe, expect, it } from 'vitest';
import { type PipIndexSettings, pipIndexFromEnv } from '../../../src/tools/pip-index.js';

describe('pipIndexFromEnv', () => {
  it.each<[string, Record<string, string>, PipIndexSettings]>([
    [
      'nothing set: PyPI',
      {},
      { index: { indexUrl: 'https://pypi.org/simple', extraIndexUrls: [], trustedHosts: [] }, netrc: '' },
    ],
    [
      'lists split on white space, as pip reads its variables',
      {
        PIP_INDEX_URL: 'https://mirror/simple',
        PIP_EXTRA_INDEX_URL: 'https://a/simple  https://b/simple',
        PIP_TRUSTED_HOST: 'a b:8080',
      },
      {
        index: {
          indexUrl: 'https://mirror/simple',
          extraIndexUrls: ['https://a/simple', 'https://b/simple'],
          trustedHosts: ['a', 'b:8080'],
        },
        netrc: '',
      },
    ],
    [
      'credentials moved to netrc, decoded',
      {
        PIP_INDEX_URL: 'https://bob:s%40cret@mirror:8443/simple',
        PIP_EXTRA_INDEX_URL: 'https://tok123@extra.example/simple',
      },
      {
        index: {
          indexUrl: 'https://mirror:8443/simple',
          extraIndexUrls: ['https://extra.example/simple'],
          trustedHosts: [],
        },
        netrc: 'machine mirror login bob password s@cret\nmachine extra.example login tok123\n',
      },
    ],
    [
      'a second index on the same host with other credentials keeps them in its URL',
      {
        PIP_INDEX_URL: 'https://a:one@host/simple',
        PIP_EXTRA_INDEX_URL: 'https://b:two@host/other https://a:one@host/third',
      },
      {
        index: {
          indexUrl: 'https://host/simple',
          extraIndexUrls: ['https://b:two@host/other', 'https://host/third'],
          trustedHosts: [],
        },
        netrc: 'machine host login a password one\n',
      },
    ],
    [
      'a password netrc cannot hold stays in its URL',
      { PIP_INDEX_URL: 'https://a:with%20space@host/simple' },
      { index: { indexUrl: 'https://a:with%20space@host/simple', extraIndexUrls: [], trustedHosts: [] }, netrc: '' },
    ],
  ])('%s', (_case, env, expected) => {
    expect(pipIndexFromEnv(env)).toEqual(expected);
  });
});
