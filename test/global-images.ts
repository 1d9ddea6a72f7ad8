// The images the integration files pull from and push to their own registries stay in buildah's storage until the
// run ends, as they stay in a node's storage from one job to the next: a later file's build of the same example
// then finds its dependency images' copy steps cached (about 13 s each). They are removed once, before and after,
// with the install stages those builds tagged locally (their tags hash the registry's port, so no later run
// would name them again).

import { INSTALL_REPOSITORY } from '../src/context/deps-context.js';
import { removeImages } from './helpers/buildah.js';
import { LOOPBACK } from './helpers/ports.js';

const TEST_IMAGES = [`${LOOPBACK}:`, `${INSTALL_REPOSITORY}:`];

// FLOPS_TEST_KEEP_IMAGES=1 skips the removal, for a run of one file beside another run on the same storage
// (a second checkout's tests): removing by prefix would take the other run's images from under it.
async function removeTestImages(): Promise<void> {
  if (process.env.FLOPS_TEST_KEEP_IMAGES === '1') return;
  for (const prefix of TEST_IMAGES) await removeImages(prefix);
}

export { removeTestImages as setup, removeTestImages as teardown };
