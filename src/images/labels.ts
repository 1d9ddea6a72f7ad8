// The labels every image carries: what it was built from, by what, with which Flower.

/** Label keys; the builder version decides whether existing images can be reused. */
export const LABELS = Object.freeze({
  source: 'org.opencontainers.image.source',
  revision: 'org.opencontainers.image.revision',
  created: 'org.opencontainers.image.created',
  title: 'org.opencontainers.image.title',
  builderVersion: 'io.flops.image-builder.version',
  flwrVersion: 'io.flops.flwr.version',
  pythonVersion: 'io.flops.python.version',
  mlModelFlavor: 'io.flops.ml-model-flavor',
  platforms: 'io.flops.platforms',
  patches: 'io.flops.patches',
  /** The digest of the lock the image installed (the first platform's). */
  lockDigest: 'io.flops.lock.digest',
  /** A trainer's entry (`train.py`, `module:function`), and the --entry it was asked for (empty: the default). */
  trainingEntry: 'io.flops.training.entry',
  trainingEntryOption: 'io.flops.training.entry-option',
});

/** What goes into the labels of one image. */
export interface LabelInput {
  readonly sourceUrl: string;
  /** The commit, or the MLflow run of a trained model. */
  readonly revision: string;
  readonly created: Date;
  readonly title: string;
  readonly builderVersion: string;
  readonly flwrVersion: string | undefined;
  readonly pythonVersion: string;
  readonly mlModelFlavor: string | undefined;
  readonly platforms: readonly string[];
  readonly patches: readonly string[];
}

/** The label map handed to buildah (`--label key=value`); labels without a value are left out. */
export function imageLabels(input: LabelInput): Record<string, string> {
  const optional = (key: string, value: string | undefined): Record<string, string> =>
    value === undefined ? {} : { [key]: value };
  return {
    [LABELS.source]: input.sourceUrl,
    [LABELS.revision]: input.revision,
    [LABELS.created]: input.created.toISOString(),
    [LABELS.title]: input.title,
    [LABELS.builderVersion]: input.builderVersion,
    ...optional(LABELS.flwrVersion, input.flwrVersion),
    [LABELS.pythonVersion]: input.pythonVersion,
    ...optional(LABELS.mlModelFlavor, input.mlModelFlavor),
    [LABELS.platforms]: input.platforms.join(','),
    [LABELS.patches]: input.patches.join('; '),
  };
}
