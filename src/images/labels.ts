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
  patches: 'io.flops.patches',
});

/** What goes into the labels of one image. */
export interface LabelInput {
  readonly sourceUrl: string;
  readonly revision: string;
  readonly created: Date;
  readonly role: 'learner' | 'aggregator';
  readonly builderVersion: string;
  readonly flwrVersion: string;
  readonly pythonVersion: string;
  readonly patches: readonly string[];
}

/** The label map handed to buildah (`--label key=value`). */
export function imageLabels(input: LabelInput): Record<string, string> {
  return {
    [LABELS.source]: input.sourceUrl,
    [LABELS.revision]: input.revision,
    [LABELS.created]: input.created.toISOString(),
    [LABELS.title]: `FLOps ${input.role}`,
    [LABELS.builderVersion]: input.builderVersion,
    [LABELS.flwrVersion]: input.flwrVersion,
    [LABELS.pythonVersion]: input.pythonVersion,
    [LABELS.patches]: input.patches.join('; '),
  };
}
