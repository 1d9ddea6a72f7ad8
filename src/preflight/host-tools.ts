// Programs the builder runs on its own host rather than in an image: found before any clone, so that a missing one
// fails the job in a second, not after its images were built (--sif squashes and writes SIFs on the host).

import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** A program a job needs on the host, and how an operator installs it. */
export interface HostTool {
  readonly name: string;
  readonly install: string;
}

/** What `--sif` runs on the host (src/sif/make-sif.ts). */
export const SIF_TOOLS: readonly HostTool[] = [
  { name: 'mksquashfs', install: 'Debian and Ubuntu: apt-get install squashfs-tools' },
  {
    name: 'siftool',
    install: 'Debian and Ubuntu: apt-get install siftool; elsewhere go install github.com/sylabs/sif/v2/cmd/siftool',
  },
];

/** Whether an executable `name` is in one of the folders of `path` (a PATH value). */
async function onPath(name: string, path: string): Promise<boolean> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const found = await access(join(dir, name), constants.X_OK).then(
      () => true,
      () => false,
    );
    if (found) return true;
  }
  return false;
}

/** Each of `tools` that is not installed, as "<name> is not installed (<how to install it>)". */
export async function missingTools(tools: readonly HostTool[], path: string): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of tools) {
    if (!(await onPath(tool.name, path))) missing.push(`${tool.name} is not installed (${tool.install})`);
  }
  return missing;
}
