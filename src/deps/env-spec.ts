// The one model every environment file format is read into, with where each entry came from.

/** Where an entry was read: a file relative to the repo root, and its 1-based line. */
export interface Source {
  readonly file: string;
  readonly line: number;
}

/** One PEP 508 requirement for pip, as written (less any `--hash` options), and where it came from. */
export interface Requirement extends Source {
  readonly requirement: string;
  /** The line carried `--hash=` options (pip's hash-checking mode); the text above is without them. */
  readonly hashed?: boolean;
  /** The conda spec it was read from (`pytorch=2.1.1`), when a conda package became a pip requirement. */
  readonly fromConda?: string;
}

/** A pip option line (`--extra-index-url URL`, `--pre`…), passed on to pip in the rendered requirements. */
export interface PipOption extends Source {
  readonly option: string;
}

/** Why a conda package is not a pip requirement. */
export type CondaPackageKind =
  /** Needs conda's own binaries and has no pip equivalent (mkl, r-base, ffmpeg…): the build uses a conda base. */
  | 'conda-only'
  /** NVIDIA's CUDA libraries and their selectors (cudatoolkit, pytorch-cuda…): only for GPU images. */
  | 'cuda'
  /** Python's own runtime and native libraries that pip wheels bundle (openssl, libgcc-ng, blas…). */
  | 'provided';

/** A conda package that is not turned into a pip requirement. */
export interface CondaPackage extends Source {
  /** The spec as written, less its channel (`mkl=2023.1.0=h213fc3f_46344`). */
  readonly spec: string;
  /** The package name, lower-cased (`mkl`). */
  readonly name: string;
  readonly kind: CondaPackageKind;
}

/** What a conda environment file adds beyond pip requirements. */
export interface CondaEnv {
  /** The environment's name in the export (`mlflow-env`); the images always call it `flops`. */
  readonly name: string | undefined;
  /** `channels:` and the channels named in `channel::package` specs, in order, without repeats. */
  readonly channels: readonly string[];
  readonly packages: readonly CondaPackage[];
}

/** What a repo's environment file asks for. */
export interface EnvSpec {
  /** The file it came from, relative to the repo root. */
  readonly file: string;
  readonly format: 'conda' | 'python-env' | 'requirements' | 'pyproject';
  /** The python constraint as written (`=3.10.14`, `>=3.9,<3.13`), if the file has one. */
  readonly pythonConstraint: string | undefined;
  /** Where the python constraint was read. */
  readonly pythonSource: Source | undefined;
  /** PEP 508 requirements for pip, in file order (includes inlined). */
  readonly requirements: readonly Requirement[];
  /** Lines of `-c` constraints files: they narrow versions without asking for packages. */
  readonly constraints: readonly Requirement[];
  readonly pipOptions: readonly PipOption[];
  /** For conda files: the packages that stay conda packages, and the channels. */
  readonly conda: CondaEnv | undefined;
}

/** A file that exists but cannot be understood; becomes a `validate` failure naming the file. */
export class EnvFileError extends Error {
  override readonly name = 'EnvFileError';
  constructor(
    readonly file: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${file}: ${message}`, options);
  }
}
