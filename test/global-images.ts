// The images the integration files pull from and push to their own registries stay in buildah's storage until the
// run ends, as they stay in a node's storage from one job to the next: a later file's build of the same example
// then finds its dependency images' copy steps cached (about 13 s each). They are removed once, before and after.

import { removeImages } from './helpers/buildah.js';
import { LOOPBACK } from './helpers/ports.js';

const TEST_REGISTRIES = `${LOOPBACK}:`;

export async function setup(): Promise<void> {
  await removeImages(TEST_REGISTRIES);
}

export async function teardown(): Promise<void> {
  await removeImages(TEST_REGISTRIES);
}
