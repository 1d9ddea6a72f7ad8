// What the build leaves for the push: images in local storage, by role.

/** A built image in local storage. */
export interface BuiltImage {
  readonly reference: string;
  readonly imageId: string;
}

/** The learner and aggregator of one commit, built. */
export interface BuiltImages {
  readonly learner: BuiltImage;
  readonly aggregator: BuiltImage;
}
