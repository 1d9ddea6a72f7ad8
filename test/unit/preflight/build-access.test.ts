import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildAccessError, checkBuildAccess } from '../../../src/preflight/build-access.js';
import { rangeFor } from '../../../src/preflight/subordinate-ids.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';

describe('subordinate id ranges', () => {
  const text = 'alice:100000:65536\n1001:200000:1000\n# comment\nbob:300000:65536\nalice:400000:131072\n';

  it("finds the user's largest range by name or uid", () => {
    expect(rangeFor(text, { name: 'alice', uid: 1000 })).toEqual({ start: 400000, count: 131072 });
    expect(rangeFor(text, { name: 'carol', uid: 1001 })).toEqual({ start: 200000, count: 1000 });
    expect(rangeFor(text, { name: 'dave', uid: 1002 })).toBeUndefined();
    expect(rangeFor('', { name: 'alice', uid: 1000 })).toBeUndefined();
  });
});

describe('the build access preflight', () => {
  let tmp: string;
  const signal = new AbortController().signal;
  const env = { PATH: '/usr/bin:/bin' };

  beforeAll(async () => {
    tmp = await makeTempDir('build-access');
  });

  afterAll(async () => {
    if (tmp) await removeTempDir(tmp);
  });

  it('lets root build without asking anything more', async () => {
    const host = { uid: 0, subuid: join(tmp, 'none'), subgid: join(tmp, 'none') };
    expect(await checkBuildAccess(env, signal, host)).toEqual({ mode: 'root' });
  });

  it('names each missing range and how to grant it, within a second', async () => {
    const subuid = join(tmp, 'subuid');
    const subgid = join(tmp, 'subgid');
    await writeFile(subuid, '4321:100000:1000\n');
    await writeFile(subgid, '');
    const started = performance.now();
    const error = await checkBuildAccess(env, signal, { uid: 4321, subuid, subgid }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BuildAccessError);
    if (!(error instanceof BuildAccessError)) return;
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error.missing).toEqual([
      `user 4321's subordinate UID range in ${subuid} has 1000 ids, fewer than the 65536 images need (grant one with: usermod --add-subuids 100000-165535 4321)`,
      `user 4321 has no subordinate GID range in ${subgid} (grant one with: usermod --add-subgids 100000-165535 4321)`,
    ]);
    expect(error.message).toMatch(/^buildah cannot build here: .*Run the builder as root in a privileged container/);
  });
});
