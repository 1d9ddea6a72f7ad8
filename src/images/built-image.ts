// An image buildah built into local storage.

/** A built image in local storage. */
export interface BuiltImage {
  readonly reference: string;
  readonly imageId: string;
}
