import { describe, expect, it } from 'vitest';
import { companionFor, exactTorchVersion, TORCH_COMPANIONS, torchFor } from '../../../src/deps/torch.js';

describe('torch companions', () => {
  it.each([
    ['1.13.1', '0.14.1', '0.13.1'],
    ['2.0.0', '0.15.1', '2.0.1'],
    ['2.1.1', '0.16.1', '2.1.1'],
    ['2.5.1', '0.20.1', '2.5.1'],
    ['2.6.0', '0.21.0', '2.6.0'],
    ['2.9.1', '0.24.1', '2.9.1'],
    ['2.12.0', '0.27.0', undefined],
  ])('torch %s pairs with torchvision %s and torchaudio %s', (torch, torchvision, torchaudio) => {
    expect([companionFor(torch, 'torchvision'), companionFor(torch, 'torchaudio')]).toEqual([torchvision, torchaudio]);
  });

  it('covers every torch release from 1.13 to 2.14 that PyPI has', () => {
    expect(Object.keys(TORCH_COMPANIONS).length).toBe(28);
    expect(Object.values(TORCH_COMPANIONS).every((item) => /^0\.\d+\.\d+$/.test(item.torchvision))).toBe(true);
  });

  it.each<[string, string | undefined]>([
    ['==2.1.1', '2.1.1'],
    ['==2.1', '2.1.0'],
    ['==2.1.1+cu118', '2.1.1'],
    ['===2.1.1', '2.1.1'],
    ['>=2.1', undefined],
    ['==2.1.*', undefined],
    ['', undefined],
  ])('exactTorchVersion(%j) → %j', (specifier, version) => {
    expect(exactTorchVersion(specifier)).toBe(version);
  });

  it('reads the table backwards', () => {
    expect([
      torchFor('torchvision', '0.15.2'),
      torchFor('torchaudio', '2.0.1'),
      torchFor('torchvision', '0.99.0'),
    ]).toEqual(['2.0.1', '2.0.0', undefined]);
  });
});
