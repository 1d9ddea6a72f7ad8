// What the build phase hands to the push phase: the dependency images, and the layers each image adds on them.

import type { DepsBuild } from './deps-build.js';
import type { WrittenLayer } from './layer.js';
import type { ImageRole } from './role-images.js';

/** The dependency images, and each image's own layers, ready for the push. */
export interface ImagesBuilt extends DepsBuild {
  readonly layers: Readonly<Partial<Record<ImageRole, readonly WrittenLayer[]>>>;
}
