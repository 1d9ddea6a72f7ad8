// Read config → open the reporter → run the plan → report the outcome → return the exit code.

import { writeFile } from 'node:fs/promises';
import { type Config, loadConfig } from './config/config.js';
import { usage } from './config/usage.js';
import { EXIT_CODES, StopReason, UsageError } from './errors.js';
import type { Job } from './job.js';
import { removeLeftovers, snapshotStorage } from './leftovers.js';
import { failedPayload, startedPayload } from './outcome/common.js';
import { flActorsSuccess } from './outcome/fl-actors.js';
import { trainedModelSuccess } from './outcome/trained-model.js';
import { trainingSuccess } from './outcome/training.js';
import { BUILDER_VERSION } from './paths.js';
import { runPipeline } from './pipeline.js';
import { FL_ACTORS_PLAN } from './plans/fl-actors.js';
import type { Finished, Plan } from './plans/plan.js';
import { TRAINED_MODEL_PLAN } from './plans/trained-model.js';
import { TRAINING_PLAN } from './plans/training.js';
import { type BuildAccess, BuildAccessError, checkBuildAccess, checkSifTools } from './preflight/build-access.js';
import { hideInValue, secretHider } from './report/hide-secrets.js';
import { createLogger, type Logger } from './report/logger.js';
import type { SuccessPayload } from './report/messages.js';
import { openReporter } from './report/reporter.js';
import { prepareJob } from './setup.js';
import { startTimeLimit } from './time-limit.js';

/** Runs the builder for the given arguments and resolves with the process exit code; never calls process.exit. */
export async function main(argv: readonly string[], cancel: AbortSignal): Promise<number> {
  let config: Config;
  try {
    const invocation = loadConfig(argv);
    if (invocation.kind === 'help') return say(`${usage()}\n`, EXIT_CODES.success);
    if (invocation.kind === 'version') return say(`${BUILDER_VERSION}\n`, EXIT_CODES.success);
    config = invocation.config;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return reportUsageError(error);
  }
  switch (config.plan) {
    case 'fl_actors':
      return runJob(FL_ACTORS_PLAN, flActorsSuccess, config, cancel);
    case 'trained_model':
      return runJob(TRAINED_MODEL_PLAN, trainedModelSuccess, config, cancel);
    case 'training':
      return runJob(TRAINING_PLAN, trainingSuccess, config, cancel);
  }
}

/** The success payload of a run of a plan that got through every phase (or skipped the rest). */
type SuccessOf<R, C extends Config> = (
  config: C,
  finished: Finished<R>,
  builderVersion: string,
  totalMs: number,
) => SuccessPayload;

/** Runs one plan for a valid configuration: prepares the job, runs the phases, reports, cleans up. */
async function runJob<R, C extends Config>(
  plan: Plan<R, C>,
  success: SuccessOf<R, C>,
  config: C,
  cancel: AbortSignal,
): Promise<number> {
  const hide = secretHider(config.secrets);
  const log = createLogger(config.logLevel, hide);
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const reporter = await openReporter(config, log, hide);
  reporter.started(startedPayload(config, BUILDER_VERSION));
  const deadline = startTimeLimit(cancel, config.deadlineMs, () =>
    StopReason.deadline(Math.round(config.deadlineMs / 1000)),
  );

  let exitCode: number;
  let result: object;
  const access = await buildAccessOf(config, log, deadline.signal);
  const prepared =
    access instanceof BuildAccessError
      ? access
      : await prepareJob(config, buildahEnvOf(access), log, deadline.signal).catch((error: unknown) => error as Error);
  if (prepared instanceof BuildAccessError) {
    const payload = {
      ...failedPayload(config.projectId, undefined, prepared.message, {}, elapsed()),
      code: 'BUILD_ACCESS_MISSING' as const,
      exit_code: EXIT_CODES.buildAccess,
    };
    reporter.failed(payload);
    exitCode = payload.exit_code;
    result = { status: 'failed', ...payload };
  } else if (prepared instanceof Error) {
    const message = `the builder could not prepare its work folders: ${prepared.message}`;
    const payload = failedPayload(config.projectId, undefined, message, {}, elapsed());
    reporter.failed(payload);
    exitCode = payload.exit_code;
    result = { status: 'failed', ...payload };
  } else {
    const job: Job<C> = prepared.job;
    let done: Partial<R> = {};
    const before = await snapshotStorage(job).catch((error: unknown) => {
      log.warn(
        { err: error },
        'Could not list buildah storage; working containers a cancelled build leaves will not be removed',
      );
      return undefined;
    });
    try {
      const outcome = await runPipeline(plan, job, reporter);
      done = outcome.done;
      if (outcome.status === 'success') {
        const payload = success(config, outcome, BUILDER_VERSION, elapsed());
        reporter.success(payload);
        exitCode = EXIT_CODES.success;
        result = { status: 'success', ...payload };
      } else {
        const error = outcome.error;
        const payload = failedPayload(config.projectId, error, error.message, outcome.durations, elapsed());
        reporter.failed(payload);
        exitCode = payload.exit_code;
        result = { status: 'failed', ...payload };
      }
    } finally {
      deadline.clear();
      await removeLeftovers(job, before, plan.builtTags(done));
      await prepared.cleanup().catch((error: unknown) => log.warn({ err: error }, 'Clean-up failed'));
    }
  }
  deadline.clear();
  await writeResultFile(config.resultFile, hideInValue(result, hide), log);
  await reporter.close();
  log.info({ exit_code: exitCode, total_ms: elapsed() }, 'Finished');
  return exitCode;
}

/** How buildah builds here (a dry run builds nothing, and asks nothing); the error when it cannot. */
async function buildAccessOf(
  config: Config,
  log: Logger,
  signal: AbortSignal,
): Promise<BuildAccess | BuildAccessError | undefined> {
  if (config.dryRun) return undefined;
  try {
    const access = await checkBuildAccess(config.hostEnv, signal);
    if (config.sif) await checkSifTools(config.hostEnv);
    log.info(access, access.mode === 'root' ? 'Building as root' : 'Building rootless');
    return access;
  } catch (error) {
    if (error instanceof BuildAccessError) return error;
    throw error;
  }
}

/** A rootless build may need buildah's storage driver set for every buildah call of the job. */
function buildahEnvOf(access: BuildAccess | undefined): Readonly<Record<string, string>> {
  return access?.mode === 'rootless' ? access.env : {};
}

/**
 * Prints every problem and, when the project and broker could be read, publishes the failure on the plan's topic:
 * the manager waits for an outcome, and would otherwise wait forever.
 */
async function reportUsageError(error: UsageError): Promise<number> {
  const problems = error.problems.map((problem) => `flops-image-builder: ${problem}\n`).join('');
  process.stderr.write(`${problems}Run "flops-image-builder --help" for the arguments it takes.\n`);
  const readable = error.readable;
  const message = `the builder was started with arguments it cannot use: ${error.problems.join('; ')}`;
  const log = createLogger('info', (text) => text);
  if (readable?.projectId === undefined || readable.mqtt === undefined || !readable.notifications) {
    // The manager hears nothing of this run: the log line is the reason's only record besides stderr.
    log.error({ phase: null, code: 'USAGE', exit_code: error.exitCode, error_msg: message }, `Failed: ${message}`);
    return error.exitCode;
  }
  const reporter = await openReporter(
    { ...readable, projectId: readable.projectId, mqtt: readable.mqtt },
    log,
    (text) => text,
  );
  reporter.failed({
    ...failedPayload(readable.projectId, undefined, message, {}, 0),
    code: 'USAGE',
    exit_code: error.exitCode,
  });
  await reporter.close();
  return error.exitCode;
}

function say(text: string, exitCode: number): number {
  process.stdout.write(text);
  return exitCode;
}

async function writeResultFile(file: string | undefined, result: object, log: Logger): Promise<void> {
  if (!file) return;
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`).catch((error: unknown) =>
    log.error({ err: error, file }, 'Could not write the result file'),
  );
}
