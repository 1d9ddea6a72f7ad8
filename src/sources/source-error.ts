// What a source (folder, archive, S3 object) refuses or fails with: a code of its own and a message for people.

import type { ErrorCode } from '../errors.js';

/** A refused or failed source; the clone phase turns it into a PhaseError of the same code. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}
