import { describe, expect, it } from 'vitest';
import { formatEndpoint, isValidHost, parseEndpoint, parsePort } from '../../../src/tables/endpoint.js';

describe('parsePort', () => {
  it.each([
    ['1', 1],
    ['1883', 1883],
    ['65535', 65535],
    ['0', undefined],
    ['65536', undefined],
    ['', undefined],
    ['-1', undefined],
    ['1e3', undefined],
    ['018830', undefined],
    [' 80', undefined],
  ])('%j → %j', (text, port) => {
    expect(parsePort(text)).toBe(port);
  });
});

describe('isValidHost', () => {
  it.each([
    ['broker', true],
    ['mqtt.example.com', true],
    ['10.0.0.7', true],
    ['[::1]', true],
    ['[fe80::1]', true],
    ['a-b', true],
    ['-ab', false],
    ['ab-', false],
    ['bad host', false],
    ['::1', false],
    ['', false],
    ['a'.repeat(64), false],
  ])('%j → %s', (host, valid) => {
    expect(isValidHost(host)).toBe(valid);
  });
});

describe('parseEndpoint', () => {
  it.each([
    ['broker', { host: 'broker', port: 9027 }],
    ['broker:1883', { host: 'broker', port: 1883 }],
    ['10.0.0.7:2727', { host: '10.0.0.7', port: 2727 }],
    ['[::1]', { host: '[::1]', port: 9027 }],
    ['[::1]:1883', { host: '[::1]', port: 1883 }],
  ])('%j → %j', (text, endpoint) => {
    expect(parseEndpoint(text, 9027)).toEqual(endpoint);
  });

  it.each([[''], ['broker:'], ['broker:0'], ['broker:x'], ['a:b:c'], ['::1'], ['bad host'], ['-broker']])(
    '%j is a problem',
    (text) => {
      expect(typeof parseEndpoint(text, 9027)).toBe('string');
    },
  );

  it('formats back to host:port', () => {
    expect(formatEndpoint({ host: '[::1]', port: 1883 })).toBe('[::1]:1883');
  });
});
