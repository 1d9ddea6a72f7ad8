// The builder image, built from the project's Dockerfile with buildah. Docker Hub is out of reach here,
// so its Node 20 base is a local stand-in (scripts/make-node-image.sh); the rest is the real Dockerfile.

import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { MACHINE_CA_BUNDLE } from './test-ca.js';

const SCRIPTS = fileURLToPath(new URL('../../scripts/', import.meta.url));
export const LOCAL_NODE_IMAGE = 'localhost/flops-test/node:20-bookworm-slim';
export const TEST_BUILDER_IMAGE = 'localhost/flops-test/flops-image-builder:test';
// A cold build installs buildah with apt and the app with npm (about 30 s here); the bound allows slow mirrors.
const BUILD_TIMEOUT_MS = 15 * 60_000;

/** Builds (or, with cached layers, rebuilds in seconds) the builder image and returns its name. */
export async function buildBuilderImage(): Promise<string> {
  await execa('bash', [`${SCRIPTS}make-node-image.sh`, LOCAL_NODE_IMAGE], { timeout: BUILD_TIMEOUT_MS });
  await execa('bash', [`${SCRIPTS}build-builder-image.sh`, TEST_BUILDER_IMAGE], {
    env: { NODE_IMAGE: LOCAL_NODE_IMAGE, FLOPS_EXTRA_CA_CERTS: MACHINE_CA_BUNDLE },
    timeout: BUILD_TIMEOUT_MS,
  });
  return TEST_BUILDER_IMAGE;
}
