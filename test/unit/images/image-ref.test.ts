import { describe, expect, it } from 'vitest';
import { parseImageRef, pinnedRef } from '../../../src/images/image-ref.js';

describe('parseImageRef', () => {
  it.each([
    ['python:3.11-slim', 'docker.io', 'registry-1.docker.io', 'library/python', '3.11-slim'],
    ['docker.io/library/python:3.11-slim', 'docker.io', 'registry-1.docker.io', 'library/python', '3.11-slim'],
    ['condaforge/miniforge3:24.11.3-0', 'docker.io', 'registry-1.docker.io', 'condaforge/miniforge3', '24.11.3-0'],
    ['127.0.0.1:5073/library/python:3.11-slim', '127.0.0.1:5073', '127.0.0.1:5073', 'library/python', '3.11-slim'],
    ['localhost/flops/python', 'localhost', 'localhost', 'flops/python', 'latest'],
    [`ghcr.io/o/r@sha256:${'a'.repeat(64)}`, 'ghcr.io', 'ghcr.io', 'o/r', `sha256:${'a'.repeat(64)}`],
  ])('%s', (text, registry, apiHost, repository, reference) => {
    expect(parseImageRef(text)).toEqual({ registry, apiHost, repository, reference });
  });

  it.each(['', 'UPPER/case', 'a b', '--privileged'])('refuses %j', (text) => {
    expect(parseImageRef(text)).toBeUndefined();
  });

  it('pins a reference to a digest', () => {
    const ref = parseImageRef('python:3.11-slim');
    if (ref === undefined) throw new Error('no ref');
    expect(pinnedRef(ref, 'sha256:1')).toBe('docker.io/library/python@sha256:1');
  });
});
