// Every build plan's phases as rows of data: name, exit code and default time limit. The phase lists, the exit-code
// table (documented in docs/) and the timeout defaults are all derived from here.

/** One phase: its name in events and options, the process exit code when it fails, its default time limit. */
export interface PhaseRow {
  readonly name: string;
  readonly exitCode: number;
  readonly timeoutS: number;
}

export const PLAN_PHASES = {
  fl_actors: [
    { name: 'clone', exitCode: 10, timeoutS: 300 },
    { name: 'validate', exitCode: 11, timeoutS: 300 },
    { name: 'patch', exitCode: 12, timeoutS: 120 },
    // After push in number, though it runs after patch: the codes before it were published before resolve existed.
    // uv reads metadata only: a torch stack resolves in seconds, so three minutes mean backtracking gone wrong.
    { name: 'resolve', exitCode: 16, timeoutS: 180 },
    { name: 'inject', exitCode: 13, timeoutS: 300 },
    { name: 'build', exitCode: 14, timeoutS: 2700 },
    // Before the push: what the images provide is read from their install, which build has just made or found.
    { name: 'imports', exitCode: 18, timeoutS: 120 },
    // --sif alone: each image's Apptainer file, made before anything is pushed and after imports (a repo whose imports
    // fail costs no squashing); numbered after imports, the phase being newer.
    { name: 'convert', exitCode: 19, timeoutS: 1800 },
    { name: 'push', exitCode: 15, timeoutS: 1200 },
  ],
  trained_model: [
    // Downloads the model the run logged from the MLflow server; its own code, as a missing run is its own failure.
    { name: 'fetch', exitCode: 17, timeoutS: 600 },
    { name: 'validate', exitCode: 11, timeoutS: 300 },
    { name: 'patch', exitCode: 12, timeoutS: 120 },
    { name: 'resolve', exitCode: 16, timeoutS: 180 },
    { name: 'inject', exitCode: 13, timeoutS: 300 },
    { name: 'build', exitCode: 14, timeoutS: 2700 },
    { name: 'convert', exitCode: 19, timeoutS: 1800 },
    { name: 'push', exitCode: 15, timeoutS: 1200 },
  ],
  // The fl_actors phases, for one SageMaker-style training image with no FL components.
  training: [
    { name: 'clone', exitCode: 10, timeoutS: 300 },
    { name: 'validate', exitCode: 11, timeoutS: 300 },
    { name: 'patch', exitCode: 12, timeoutS: 120 },
    { name: 'resolve', exitCode: 16, timeoutS: 180 },
    { name: 'inject', exitCode: 13, timeoutS: 300 },
    { name: 'build', exitCode: 14, timeoutS: 2700 },
    // The trainer runs the repo's code as the learner does: its imports are checked the same way, before the push.
    { name: 'imports', exitCode: 18, timeoutS: 120 },
    { name: 'convert', exitCode: 19, timeoutS: 1800 },
    { name: 'push', exitCode: 15, timeoutS: 1200 },
  ],
} as const satisfies Record<string, readonly PhaseRow[]>;

/** A build plan: `fl_actors` (learner and aggregator), `trained_model` (the serving image), `training` (a trainer). */
export type PlanName = keyof typeof PLAN_PHASES;
/** The phases of one plan, in order. */
export type PlanPhaseName<P extends PlanName> = (typeof PLAN_PHASES)[P][number]['name'];
/** Any phase of any plan. */
export type PhaseName = PlanPhaseName<PlanName>;

export const PLAN_NAMES = Object.keys(PLAN_PHASES) as PlanName[];

/** The phase names of a plan, in the order they run. */
export function phaseNames<P extends PlanName>(plan: P): readonly PlanPhaseName<P>[] {
  return PLAN_PHASES[plan].map((row: PhaseRow) => row.name as PlanPhaseName<P>);
}

/** Exit code of the process when a phase fails; phases of the same name share their code across plans. */
export const PHASE_EXIT_CODES: Readonly<Record<PhaseName, number>> = Object.freeze(
  Object.fromEntries(
    Object.values(PLAN_PHASES).flatMap((rows) => rows.map((row) => [row.name, row.exitCode])),
  ) as Record<PhaseName, number>,
);

/** Default time limit of each phase, in seconds. */
export const DEFAULT_PHASE_TIMEOUTS_S: Readonly<Record<PhaseName, number>> = Object.freeze(
  Object.fromEntries(
    Object.values(PLAN_PHASES).flatMap((rows) => rows.map((row) => [row.name, row.timeoutS])),
  ) as Record<PhaseName, number>,
);

/** Each phase's time in milliseconds, for the phases that ran. */
export type Durations = Partial<Record<PhaseName, number>>;
