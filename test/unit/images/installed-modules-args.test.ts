import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INSTALLED_MODULES_FILE, readMountedFileArgs } from '../../../src/images/installed-modules.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';

const scratch = await makeTempDir('installed-modules-args');
afterAll(() => removeTempDir(scratch));

describe('readMountedFileArgs', () => {
  it('is python3 reading the path under the root the variable names, no shell', () => {
    const argv = readMountedFileArgs(INSTALLED_MODULES_FILE);
    expect(argv[0]).toBe('python3');
    expect(argv.slice(-2)).toEqual(['FLOPS_IMAGE_ROOT', '/opt/flops/modules.json']);
  });

  it('prints the file of a folder standing in for the mounted image', () => {
    mkdirSync(join(scratch, 'opt', 'flops'), { recursive: true });
    writeFileSync(join(scratch, 'opt', 'flops', 'modules.json'), '{"python": "3.11"}');
    const [file, ...args] = readMountedFileArgs(INSTALLED_MODULES_FILE);
    const out = execFileSync(file, args, { env: { PATH: process.env.PATH, FLOPS_IMAGE_ROOT: scratch } });
    expect(out.toString()).toBe('{"python": "3.11"}');
  });
});
