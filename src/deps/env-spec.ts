// The one model every environment file format is read into.

/** What a repo's environment file asks for. */
export interface EnvSpec {
  /** The file it came from, relative to the repo root. */
  readonly file: string;
  readonly format: 'conda' | 'requirements' | 'pyproject';
  /** The python constraint as written (`3.10.14`, `>=3.9,<3.13`), if the file has one. */
  readonly pythonConstraint: string | undefined;
  /** PEP 508 requirements for pip, in file order. */
  readonly requirements: readonly string[];
  /** The conda environment's name, when the file is a conda export. */
  readonly condaName: string | undefined;
  /** Conda packages (other than python and pip) turned into pip requirements; reported as a patch. */
  readonly convertedCondaPackages: readonly string[];
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
