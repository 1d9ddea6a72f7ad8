import { describe, expect, it } from 'vitest';
import { parseRegistryTarget } from '../../../src/tables/registry-target.js';

describe('parseRegistryTarget', () => {
  it.each([
    ['http://registry:5000', { hostPort: 'registry:5000', tls: false, apiBase: 'http://registry:5000' }],
    ['HTTP://registry:5000/', { hostPort: 'registry:5000', tls: false, apiBase: 'http://registry:5000' }],
    [
      'https://registry.example.com',
      { hostPort: 'registry.example.com', tls: true, apiBase: 'https://registry.example.com' },
    ],
    [
      'https://registry.example.com:8443/',
      { hostPort: 'registry.example.com:8443', tls: true, apiBase: 'https://registry.example.com:8443' },
    ],
    ['registry:5000', { hostPort: 'registry:5000', tls: true, apiBase: 'https://registry:5000' }],
    ['registry', { hostPort: 'registry', tls: true, apiBase: 'https://registry' }],
    ['192.168.1.10:5073', { hostPort: '192.168.1.10:5073', tls: true, apiBase: 'https://192.168.1.10:5073' }],
    ['http://[::1]:5000', { hostPort: '[::1]:5000', tls: false, apiBase: 'http://[::1]:5000' }],
  ])('%j → %j', (text, target) => {
    expect(parseRegistryTarget(text)).toEqual(target);
  });

  it.each([
    ['https://registry/v2'],
    ['http://registry:5000/alice'],
    ['registry:5000/alice/mnist'],
    ['ftp://registry'],
    ['docker://registry:5000'],
    ['registry:0'],
    ['registry:70000'],
    ['registry:http'],
    ['bad host'],
    ['https://user:pw@registry'],
    [''],
  ])('%j is a problem', (text) => {
    expect(typeof parseRegistryTarget(text)).toBe('string');
  });
});
