// Plain-English progress lines for the observer and for people reading along.

import type { FailedPayload, PhaseEvent, StartedPayload, SuccessPayload } from './messages.js';

/** "[project] build done in 42.1 s: …" */
export function phaseLine(event: PhaseEvent): string {
  const head = `[${event.flops_project_id}] ${event.phase}`;
  const detail = typeof event.detail === 'string' ? event.detail : summarise(event.detail);
  switch (event.state) {
    case 'started':
      return `${head} started${detail ? `: ${detail}` : ''}`;
    case 'done':
      return `${head} done in ${seconds(event.elapsed_ms)}${detail ? `: ${detail}` : ''}`;
    case 'skipped':
      return `${head} skipped${detail ? `: ${detail}` : ''}`;
    case 'failed':
      return `${head} FAILED after ${seconds(event.elapsed_ms)}: ${detail}`;
  }
}

/** The opening line: what is built, of which flavor, for which platforms. */
export function startedLine(payload: StartedPayload): string {
  const what = {
    fl_actors: `learner and aggregator images of ${payload.repo_url ?? ''}`,
    trained_model: `the serving image of MLflow run ${payload.run_id ?? ''}`,
    training: `the training image of ${payload.repo_url ?? ''}`,
  }[payload.plan];
  const flavor = payload.ml_model_flavor ? `, ${payload.ml_model_flavor} model` : '';
  return `[${payload.flops_project_id}] image builder ${payload.builder_version} started: ${what}${flavor}, for ${payload.platforms.join(' and ')}`;
}

/** The closing line of a successful job. */
export function successLine(payload: SuccessPayload): string {
  const how = payload.skipped
    ? `nothing to build (${payload.skip_reason ?? 'images exist'})`
    : `built and pushed in ${seconds(payload.total_ms)}`;
  const images =
    'learner_image' in payload
      ? `${payload.learner_image.reference} and ${payload.aggregator_image.reference}`
      : 'trainer_image' in payload
        ? payload.trainer_image.reference
        : payload.trained_model_image.reference;
  return `[${payload.flops_project_id}] SUCCESS, ${how}: ${images}`;
}

/** The closing line of a failed job, with what to do next. */
export function failedLine(payload: FailedPayload): string {
  const where = payload.phase ? ` in phase ${payload.phase}` : '';
  return `[${payload.flops_project_id}] FAILED${where} (exit code ${payload.exit_code}): ${payload.error_msg}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function summarise(detail: Record<string, unknown>): string {
  const text = detail.summary ?? detail.error_msg;
  return typeof text === 'string' ? text : '';
}
