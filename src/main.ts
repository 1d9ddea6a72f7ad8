// Read config → open the reporter → run the pipeline → report the outcome → return the exit code.

import { writeFile } from 'node:fs/promises';
import { type Config, loadConfig, USAGE } from './config/config.js';
import { EXIT_CODES, StopReason, UsageError } from './errors.js';
import { removeLeftovers, snapshotStorage } from './leftovers.js';
import { failedPayload, startedPayload, successPayload } from './outcome.js';
import { BUILDER_VERSION } from './paths.js';
import { runPipeline } from './pipeline.js';
import { FL_ACTORS_PLAN, type FlActorsResults } from './plans/fl-actors.js';
import { hideInValue, secretHider } from './report/hide-secrets.js';
import { createLogger, type Logger } from './report/logger.js';
import { openReporter } from './report/reporter.js';
import { prepareJob } from './setup.js';
import { startTimeLimit } from './time-limit.js';

/** Runs the builder for the given arguments and resolves with the process exit code; never calls process.exit. */
export async function main(argv: readonly string[], cancel: AbortSignal): Promise<number> {
  let config: Config;
  try {
    const invocation = loadConfig(argv);
    if (invocation.kind === 'help') return say(`${USAGE}\n`, EXIT_CODES.success);
    if (invocation.kind === 'version') return say(`${BUILDER_VERSION}\n`, EXIT_CODES.success);
    config = invocation.config;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const problems = error.problems.map((problem) => `flops-image-builder: ${problem}\n`).join('');
    process.stderr.write(`${problems}Run "flops-image-builder --help" for the arguments it takes.\n`);
    return error.exitCode;
  }

  const hide = secretHider(config.secrets);
  const log = createLogger(config.logLevel, hide);
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const reporter = await openReporter(config, log, hide);
  reporter.started(startedPayload(config, BUILDER_VERSION));
  const deadline = startTimeLimit(cancel, config.deadlineMs, () =>
    StopReason.deadline(Math.round(config.deadlineMs / 1000)),
  );
  const signal = deadline.signal;

  let exitCode: number;
  let result: object;
  const prepared = await prepareJob(config, log, signal).catch((error: unknown) => error as Error);
  if (prepared instanceof Error) {
    const payload = failedPayload(
      config,
      undefined,
      `the builder could not prepare its work folders: ${prepared.message}`,
      {},
      elapsed(),
    );
    reporter.failed(payload);
    exitCode = payload.exit_code;
    result = { status: 'failed', ...payload };
  } else {
    let done: Partial<FlActorsResults> = {};
    const before = await snapshotStorage(prepared.job).catch((error: unknown) => {
      log.warn(
        { err: error },
        'Could not list buildah storage; working containers a cancelled build leaves will not be removed',
      );
      return undefined;
    });
    try {
      const outcome = await runPipeline(FL_ACTORS_PLAN, prepared.job, reporter);
      done = outcome.done;
      if (outcome.status === 'success') {
        const payload = successPayload(config, BUILDER_VERSION, outcome, elapsed());
        reporter.success(payload);
        exitCode = EXIT_CODES.success;
        result = { status: 'success', ...payload };
      } else {
        const payload = failedPayload(config, outcome.error, outcome.error.message, outcome.durations, elapsed());
        reporter.failed(payload);
        exitCode = payload.exit_code;
        result = { status: 'failed', ...payload };
      }
    } finally {
      deadline.clear();
      await removeLeftovers(prepared.job, before, done.clone?.images);
      await prepared.cleanup().catch((error: unknown) => log.warn({ err: error }, 'Clean-up failed'));
    }
  }
  deadline.clear();
  await writeResultFile(config, hideInValue(result, hide), log);
  await reporter.close();
  log.info({ exit_code: exitCode, total_ms: elapsed() }, 'Finished');
  return exitCode;
}

function say(text: string, exitCode: number): number {
  process.stdout.write(text);
  return exitCode;
}

async function writeResultFile(config: Config, result: object, log: Logger): Promise<void> {
  if (!config.resultFile) return;
  await writeFile(config.resultFile, `${JSON.stringify(result, null, 2)}\n`).catch((error: unknown) =>
    log.error({ err: error, file: config.resultFile }, 'Could not write the result file'),
  );
}
