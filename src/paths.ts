// Where the project's own files are, found from this module's location: src/, dist/ and the bundle
// (dist/flops-image-builder.mjs, scripts/bundle.mjs) are all one folder below the project root.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The project root: the folder holding package.json and fl-templates/. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The Python components and Containerfile templates rendered into each build context. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../fl-templates/', import.meta.url));

/** The builder's version, from package.json; images record it so a newer builder rebuilds them. */
export const BUILDER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
