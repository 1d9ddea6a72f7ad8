// Once for the whole integration run: one uv download cache that every builder run as root shares, as an operator's
// --download-cache volume does. The first build downloads each wheel from the index (through the machine's proxy);
// later builds in other files copy it from this folder instead of downloading it again.

import type { TestProject } from 'vitest/node';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The download cache builder runs share (FLOPS_DOWNLOAD_CACHE); empty outside the integration config. */
    downloadCache: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const downloadCache = await makeTempDir('downloads');
  project.provide('downloadCache', downloadCache);
  return () => removeTempDir(downloadCache);
}
