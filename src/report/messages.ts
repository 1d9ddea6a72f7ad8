// MQTT topics and payload shapes: the contract the FL manager and UIs read.

import type { ErrorCode, PhaseName } from '../errors.js';

/** The manager's topics, exactly as it subscribes to them. */
export const MANAGER_TOPICS = Object.freeze({
  started: 'flops_manager/fl_actors_image_builder/started',
  success: 'flops_manager/fl_actors_image_builder/success',
  failed: 'flops_manager/fl_actors_image_builder/failed',
});

/** Per-phase progress events (not retained). */
export function progressTopic(projectId: string): string {
  return `flops/${projectId}/image_builder`;
}

/** The final outcome, retained so a late subscriber still sees it. */
export function statusTopic(projectId: string): string {
  return `flops/${projectId}/image_builder/status`;
}

export type PhaseState = 'started' | 'done' | 'failed' | 'skipped';

/** One progress event: `{"flops_project_id","phase","state","elapsed_ms","detail"}`. */
export interface PhaseEvent {
  readonly flops_project_id: string;
  readonly phase: PhaseName;
  readonly state: PhaseState;
  readonly elapsed_ms: number;
  readonly detail: string | Record<string, unknown>;
}

/** A pushed (or already present) image. */
export interface ImageOutcome {
  readonly reference: string;
  readonly digest: string;
}

/** Payload of `…/success`. */
export interface SuccessPayload {
  readonly flops_project_id: string;
  readonly commit_sha: string;
  readonly skipped: boolean;
  readonly skip_reason: string | null;
  readonly learner_image: ImageOutcome;
  readonly aggregator_image: ImageOutcome;
  readonly python_version: string;
  readonly flwr_version: string;
  readonly architecture: string;
  readonly builder_version: string;
  readonly durations_ms: Partial<Record<PhaseName, number>>;
  readonly total_ms: number;
  /** Set when the repo's name had to be changed to be a valid image name. */
  readonly name_adjusted: { readonly from: string; readonly to: string } | null;
}

/** Payload of `…/failed`. */
export interface FailedPayload {
  readonly flops_project_id: string;
  readonly phase: PhaseName | null;
  readonly code: ErrorCode;
  /** A finer reason where the code has several (a dependency refusal's own code). */
  readonly reason?: string;
  readonly exit_code: number;
  readonly error_msg: string;
  readonly durations_ms: Partial<Record<PhaseName, number>>;
  readonly total_ms: number;
}

/** Payload of `…/started`. */
export interface StartedPayload {
  readonly flops_project_id: string;
  readonly repo_url: string;
  readonly registry: string;
  readonly builder_version: string;
  readonly phases: readonly PhaseName[];
}

/** The retained status: the outcome with its state. */
export type StatusPayload =
  | ({ readonly state: 'success' } & SuccessPayload)
  | ({ readonly state: 'failed' } & FailedPayload);
