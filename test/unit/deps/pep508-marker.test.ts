import { describe, expect, it } from 'vitest';
import { evaluateMarker } from '../../../src/deps/pep508-marker.js';

describe('evaluateMarker', () => {
  const target = { python: '3.11', machine: 'x86_64' };
  it.each<[string, boolean | undefined]>([
    ['python_version < "3.12"', true],
    ['python_version >= "3.12"', false],
    ['python_version == "3.11"', true],
    ['"3.10" < python_version', true],
    ['python_full_version >= "3.11.2"', true],
    ['sys_platform == "linux" and platform_machine == "x86_64"', true],
    ['sys_platform == "win32" or python_version > "3.10"', true],
    ['(sys_platform == "darwin" or os_name == "nt") and python_version < "4"', false],
    ["platform_system != 'Windows'", true],
    ['"arm" in platform_machine', false],
    ['"x86" in platform_machine', true],
    ['implementation_name == "cpython"', true],
    ['extra == "gpu"', false],
    ['python_version ~= "3.8"', true],
    ['unknown_var == "x"', undefined],
    ['python_version <', undefined],
    ['python_version < "3.12" garbage', undefined],
  ])('%j on python 3.11, x86_64 → %s', (marker, value) => {
    expect(evaluateMarker(marker, target)).toBe(value);
  });
});
