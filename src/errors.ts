// Error classes, and the exit codes that do not belong to a phase (each phase's code is in tables/phase-table.ts).

import type { Endpoint } from './tables/endpoint.js';
import { PHASE_EXIT_CODES, type PhaseName, type PlanName } from './tables/phase-table.js';

export { PHASE_EXIT_CODES, type PhaseName };

/** Exit codes that do not belong to a phase. */
export const EXIT_CODES = Object.freeze({
  success: 0,
  internal: 1,
  usage: 2,
  /** buildah cannot build here (neither root nor a subordinate id range), or a tool --sif runs is missing: found before any work. */
  buildAccess: 3,
  // 128 + signal number, as shells report a process ended by that signal.
  SIGINT: 130,
  SIGTERM: 143,
});

/** Machine-readable reasons a pipeline can fail; tests assert these, not wording. */
export type ErrorCode =
  | 'CLONE_FAILED'
  | 'REF_NOT_FOUND'
  | 'FOLDER_NOT_FOUND'
  | 'FOLDER_SPECIAL_FILE'
  | 'ARCHIVE_DOWNLOAD_FAILED'
  | 'ARCHIVE_NOT_GZIP'
  | 'ARCHIVE_UNREADABLE'
  | 'ARCHIVE_ABSOLUTE_PATH'
  | 'ARCHIVE_PARENT_PATH'
  | 'ARCHIVE_LINK_ESCAPES'
  | 'ARCHIVE_THROUGH_LINK'
  | 'ARCHIVE_DUPLICATE_ENTRY'
  | 'ARCHIVE_SPECIAL_FILE'
  | 'ARCHIVE_TOO_MANY_ENTRIES'
  | 'ARCHIVE_TOO_LARGE'
  | 'S3_ACCESS_DENIED'
  | 'S3_BUCKET_NOT_FOUND'
  | 'S3_OBJECT_NOT_FOUND'
  | 'S3_UNREACHABLE'
  | 'REGISTRY_UNREACHABLE'
  | 'REGISTRY_AUTH_FAILED'
  | 'MODEL_MANAGER_MISSING'
  | 'MODEL_MANAGER_INVALID'
  | 'ENV_FILE_MISSING'
  | 'ENV_FILE_UNREADABLE'
  | 'PYTHON_SYNTAX_ERROR'
  | 'PYTHON_UNSUPPORTED'
  | 'IMPORT_NOT_PROVIDED'
  | 'DEPENDENCY_REFUSED'
  | 'DEPENDENCY_CONFLICT'
  | 'RESOLVE_FAILED'
  | 'NO_WHEEL_FOR_PLATFORM'
  | 'TEMPLATE_FAILED'
  | 'BUILD_FAILED'
  | 'PUSH_FAILED'
  | 'CONVERT_FAILED'
  | 'REPO_LINK_ESCAPES'
  | 'REPO_TOO_LARGE'
  | 'REPO_LFS_POINTER'
  | 'PLATFORM_UNSUPPORTED'
  | 'BASE_IMAGE_MISSING'
  | 'BASE_IMAGE_PYTHON_MISMATCH'
  | 'PLATFORM_CHECK_FAILED'
  | 'TRACKING_SERVER_UNREACHABLE'
  | 'RUN_NOT_FOUND'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_VERSION_NOT_FOUND'
  | 'MODEL_FETCH_FAILED'
  | 'MODEL_INVALID'
  | 'TRAINING_ENTRY_MISSING'
  | 'CANCELLED'
  | 'TIMED_OUT'
  | 'USAGE'
  | 'BUILD_ACCESS_MISSING'
  | 'INTERNAL';

/**
 * What a phase throws when it fails for a known reason: the code says what went wrong, `reason` says more precisely
 * (a dependency refusal's own code). The pipeline adds the phase and the exit code.
 */
export class PhaseError extends Error {
  override readonly name = 'PhaseError';
  readonly code: ErrorCode;
  readonly reason: string | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; reason?: string } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.reason = options.reason;
  }
}

/** A failure of one phase: carries what the manager, the operator and the exit code need. */
export class PipelineError extends Error {
  override readonly name = 'PipelineError';
  readonly code: ErrorCode;
  readonly phase: PhaseName;
  readonly exitCode: number;
  readonly reason: string | undefined;

  constructor(
    code: ErrorCode,
    phase: PhaseName,
    message: string,
    options: { cause?: unknown; exitCode?: number; reason?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.phase = phase;
    this.exitCode = options.exitCode ?? PHASE_EXIT_CODES[phase];
    this.reason = options.reason;
  }
}

/** A subprocess that failed, timed out or was cancelled; `stderrTail` is all a message should quote. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly command: string,
    readonly exitCode: number | undefined,
    readonly signal: string | undefined,
    readonly timedOut: boolean,
    readonly cancelled: boolean,
    readonly stderrTail: string,
    readonly durationMs: number,
    options: { cause?: unknown } = {},
  ) {
    super(CommandError.describe(command, exitCode, signal, timedOut, cancelled, stderrTail), options);
  }

  private static describe(
    command: string,
    exitCode: number | undefined,
    signal: string | undefined,
    timedOut: boolean,
    cancelled: boolean,
    stderrTail: string,
  ): string {
    const how = timedOut
      ? 'timed out'
      : cancelled
        ? 'was cancelled'
        : signal
          ? `was killed by ${signal}`
          : `exited with code ${exitCode ?? 'unknown'}`;
    return `${command} ${how}${stderrTail ? `: ${stderrTail}` : ''}`;
  }
}

/** Bad command-line arguments or environment: every problem found, reported together (exit 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = EXIT_CODES.usage;
  constructor(
    readonly problems: readonly string[],
    /** What could still be read, so the failure reaches the manager (it would otherwise wait forever). */
    readonly readable: UsageContext | undefined = undefined,
  ) {
    super(problems.join('\n'));
  }
}

/** Of a command line that did not parse: the plan, and where to report, when they could be read. */
export interface UsageContext {
  readonly plan: PlanName;
  readonly projectId: string | undefined;
  readonly mqtt: Endpoint | undefined;
  readonly observer: Endpoint | undefined;
  readonly notifications: boolean;
}

/** Why a job was stopped from outside its phases: a signal, a phase's time limit, or the job's deadline. */
export class StopReason extends Error {
  override readonly name = 'StopReason';
  private constructor(
    readonly kind: 'signal' | 'phase-timeout' | 'deadline',
    message: string,
    /** SIGTERM or SIGINT, for kind "signal". */
    readonly signalName?: 'SIGTERM' | 'SIGINT',
  ) {
    super(message);
  }

  static signal(name: 'SIGTERM' | 'SIGINT'): StopReason {
    return new StopReason('signal', `received ${name}`, name);
  }

  static phaseTimeout(phase: string, seconds: number): StopReason {
    return new StopReason(
      'phase-timeout',
      `${phase} took longer than its limit of ${seconds} s (raise it with --phase-timeout ${phase}=SECONDS)`,
    );
  }

  static deadline(seconds: number): StopReason {
    return new StopReason(
      'deadline',
      `the job took longer than its deadline of ${seconds} s (raise it with --deadline SECONDS)`,
    );
  }
}
