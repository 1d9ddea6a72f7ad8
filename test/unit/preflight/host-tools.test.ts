import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildAccessError, checkSifTools } from '../../../src/preflight/build-access.js';
import { missingTools, SIF_TOOLS } from '../../../src/preflight/host-tools.js';

describe('the host tools an option needs', () => {
  let bin: string;
  let empty: string;
  beforeAll(async () => {
    bin = await mkdtemp(join(tmpdir(), 'host-tools-bin-'));
    empty = await mkdtemp(join(tmpdir(), 'host-tools-empty-'));
    for (const name of ['siftool', 'not-executable']) await writeFile(join(bin, name), '#!/bin/sh\n');
    await chmod(join(bin, 'siftool'), 0o755);
  });
  afterAll(async () => {
    await rm(bin, { recursive: true, force: true });
    await rm(empty, { recursive: true, force: true });
  });

  it('finds an executable in any folder of the PATH, and names each one missing with how to install it', async () => {
    const tools = [...SIF_TOOLS, { name: 'not-executable', install: 'chmod +x it' }];
    expect(await missingTools(tools, [empty, bin].join(delimiter))).toEqual([
      'mksquashfs is not installed (Debian and Ubuntu: apt-get install squashfs-tools)',
      'not-executable is not installed (chmod +x it)',
    ]);
  });

  it('fails --sif before any work when its tools are missing, and says which and how to get them', async () => {
    const error = await checkSifTools({ PATH: empty }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BuildAccessError);
    if (!(error instanceof BuildAccessError)) return;
    expect(error.missing).toHaveLength(2);
    expect(error.message).toMatch(
      /^--sif cannot make SIF files here: mksquashfs is not installed .*siftool is not installed/,
    );
  });

  it('lets --sif through where both are installed', async () => {
    await writeFile(join(bin, 'mksquashfs'), '#!/bin/sh\n', { mode: 0o755 });
    await expect(checkSifTools({ PATH: bin })).resolves.toBeUndefined();
  });
});
