// MQTT topics and payload shapes: the contract the FL manager and UIs read.

import type { ErrorCode, PhaseName } from '../errors.js';
import type { PlanName } from '../tables/phase-table.js';

/** The manager's topics of a plan, exactly as it subscribes to them. */
export function managerTopics(plan: PlanName): {
  readonly started: string;
  readonly success: string;
  readonly failed: string;
} {
  const subject = `flops_manager/${plan}_image_builder`;
  return Object.freeze({ started: `${subject}/started`, success: `${subject}/success`, failed: `${subject}/failed` });
}

/** The fl_actors plan's topics (the plan most tests and UIs look at). */
export const MANAGER_TOPICS = managerTopics('fl_actors');

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
  /** The tag's digest: an image index when there are several platforms. */
  readonly digest: string;
  /** Each platform's image digest, e.g. `{"linux/amd64": "sha256:…"}`. */
  readonly platforms?: Readonly<Record<string, string>>;
  /** With --sif: each platform's Apptainer file in the registry, `{reference, digest}` of its ORAS artifact. */
  readonly sif?: Readonly<Record<string, { readonly reference: string; readonly digest: string }>>;
}

/** One platform's dependency lock, as resolve made or reused it. */
export interface LockOutcome {
  readonly platform: string;
  readonly digest: string;
  readonly reused: boolean;
  /** Pins moved for this platform only (an MLflow-exported pin without a wheel here), one line each. */
  readonly moved: readonly string[];
}

/** What every success payload says. */
interface SuccessCommon {
  readonly flops_project_id: string;
  readonly skipped: boolean;
  readonly skip_reason: string | null;
  /** The platforms the images hold, e.g. `linux/amd64`. */
  readonly platforms: readonly string[];
  readonly builder_version: string;
  readonly durations_ms: Partial<Record<PhaseName, number>>;
  readonly total_ms: number;
  /** Every platform's lock; empty when resolve did not run (images found, --skip-resolve, the conda path). */
  readonly locks: readonly LockOutcome[];
  /** Every change resolve made to what the repo asked for (a fallback, a pin moved for one platform). */
  readonly dependency_changes: readonly string[];
}

/** Payload of `flops_manager/fl_actors_image_builder/success`. */
export interface FlActorsSuccessPayload extends SuccessCommon {
  readonly commit_sha: string;
  readonly learner_image: ImageOutcome;
  readonly aggregator_image: ImageOutcome;
  readonly ml_model_flavor: string | null;
  readonly python_version: string;
  readonly flwr_version: string;
  /** The build host's architecture, for images made before multi-platform builds (the first platform's). */
  readonly architecture: string;
  /** Set when the repo's name had to be changed to be a valid image name. */
  readonly name_adjusted: { readonly from: string; readonly to: string } | null;
}

/** Payload of `flops_manager/trained_model_image_builder/success`. */
export interface TrainedModelSuccessPayload extends SuccessCommon {
  readonly run_id: string;
  readonly trained_model_image: ImageOutcome;
  readonly ml_model_flavor: string | null;
  readonly python_version: string;
}

/** Payload of `flops_manager/training_image_builder/success`. */
export interface TrainingSuccessPayload extends SuccessCommon {
  readonly commit_sha: string;
  readonly trainer_image: ImageOutcome;
  /** What `IMAGE train` runs: a file of the repo (`train.py`) or a pyproject script's `module:function`. */
  readonly entry: string;
  readonly python_version: string;
  readonly name_adjusted: { readonly from: string; readonly to: string } | null;
}

/** Payload of `…/success`. */
export type SuccessPayload = FlActorsSuccessPayload | TrainedModelSuccessPayload | TrainingSuccessPayload;

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
  readonly plan: PlanName;
  /** fl_actors and training: the repo, without credentials. */
  readonly repo_url?: string;
  /** trained_model: the MLflow run whose model is served. */
  readonly run_id?: string;
  readonly ml_model_flavor: string | null;
  readonly platforms: readonly string[];
  readonly registry: string;
  readonly builder_version: string;
  readonly phases: readonly PhaseName[];
}

/** The retained status: the outcome with its state. */
export type StatusPayload =
  | ({ readonly state: 'success' } & SuccessPayload)
  | ({ readonly state: 'failed' } & FailedPayload);
