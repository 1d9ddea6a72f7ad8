// What the dependency plan takes and gives, and how it refuses.

/** What the images are for: FL (learner and aggregator), serving a trained model, or training outside FL. */
export type PlanPurpose = 'fl' | 'serving' | 'training';

/** What the plan depends on besides the environment file. */
export interface PlanOptions {
  readonly purpose: PlanPurpose;
  /** `major.minor`, chosen by `validate`. */
  readonly python: string;
  /** The images' architecture in OCI terms (`amd64`, `arm64`). */
  readonly architecture: string;
  /** Keep PyTorch's default (CUDA) wheels and conda's CUDA packages. */
  readonly torchCuda: boolean;
  /** `--base-image`: replaces `python:<X.Y>-slim` on the pip path. */
  readonly baseImage: string | undefined;
  /** The image of the conda path. */
  readonly condaBaseImage: string;
  /** Top-level modules the repo's code imports (read from its syntax tree), for what the builder adds. */
  readonly imports: readonly string[];
}

/** The environment file the conda path renders (`environment.yaml` in the build context). */
export interface CondaEnvironmentFile {
  readonly name: string;
  readonly channels: readonly string[];
  readonly dependencies: readonly string[];
}

/** What the images install, and every change made to the repo's environment to get there. */
export interface DependencyPlan {
  readonly purpose: PlanPurpose;
  readonly python: string;
  /** `pip` on `python:<X.Y>-slim`, or `conda` (conda env update) on a conda base when conda-only packages need it. */
  readonly installer: 'pip' | 'conda';
  readonly baseImage: string;
  /** The Flower release of the FL images; undefined for serving. */
  readonly flwrVersion: string | undefined;
  /** What the builder installs besides the repo's requirements (`flwr==1.42.0`, `paho-mqtt==2.2.0`, `datasets`). */
  readonly runtimePins: readonly string[];
  /** What the aggregator installs on top, in a layer of its own (the MLflow client). */
  readonly aggregatorPins: readonly string[];
  /** PEP 508 lines for the rendered requirements.txt, in file order. */
  readonly requirements: readonly string[];
  /** Lines for the rendered constraints.txt (from the repo's `-c` files). */
  readonly constraints: readonly string[];
  /** pip option lines (index URLs…) written at the top of the rendered requirements.txt. */
  readonly pipOptions: readonly string[];
  readonly condaEnvironment: CondaEnvironmentFile | undefined;
  /** One readable line per change, naming what changed, where it was written, and why. */
  readonly patches: readonly string[];
  /** Where the repo wrote each requirement (`conda.yaml:12`), by normalised package name, for resolve's messages. */
  readonly sources: Readonly<Record<string, string>>;
  /** How the environment file shows that MLflow wrote it (a snapshot whose pins resolve may move), if it does. */
  readonly snapshot: string | undefined;
}

/** Why a dependency is refused, for programs and tests; the message says it for people. */
export type RefusalCode =
  | 'UNREADABLE_REQUIREMENT'
  | 'VCS_REQUIREMENT'
  | 'LOCAL_PATH_REQUIREMENT'
  | 'FRAMEWORK_PYTHON'
  | 'TORCH_COMPANION_MISMATCH'
  | 'FLOWER_PYTHON'
  | 'PINS_CONFLICT'
  | 'NO_FLOWER_FITS';

/** A dependency that cannot work and has no safe fix; the message says why and what to change. */
export class DependencyRefusal extends Error {
  override readonly name = 'DependencyRefusal';
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}
