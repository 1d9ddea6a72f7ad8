// What every phase receives: the configuration, a place to work, the means to run tools, and a cancel signal.

import type { Config, FlActorsConfig, TrainedModelConfig } from './config/config.js';
import type { Logger } from './report/logger.js';
import type { Buildah } from './tools/buildah.js';
import type { RegistryAccess } from './tools/buildah-args.js';
import type { RegistryClient } from './tools/registry-api.js';

/** The shared context of one run of the builder. */
export interface Job<C extends Config = Config> {
  readonly config: C;
  /**
   * What every subprocess of the job gets: the host's variables (`config.hostEnv`), buildah's storage driver when
   * rootless, and TMPDIR inside the job's private folder.
   */
  readonly toolEnv: Readonly<Record<string, string>>;
  readonly builderVersion: string;
  /** The folder holding the clone and the build contexts. */
  readonly workdir: string;
  /** A folder only this job can read (mode 0700), for credentials files; always removed at the end. */
  readonly privateDir: string;
  /** Aborted on SIGTERM/SIGINT or when the job's deadline passes. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly registry: RegistryClient;
  /** The extra CA certificates (PEM) of --ca-cert, for the builder's own HTTPS calls. */
  readonly extraCa: string | undefined;
  /** Runs buildah with the job's environment (the only way phases reach buildah). */
  readonly buildah: Buildah;
  /** Auth file, CA folder and registries.conf for buildah's own registry traffic. */
  readonly registryAccess: RegistryAccess & { readonly registriesConf: string | undefined };
  /**
   * Build secrets files (extra CA bundle, fetch environment) handed to `RUN --mount=type=secret`, each a file of
   * `dir` named as its secret (`flops-ca`, `flops-env`).
   */
  readonly buildSecrets: { readonly dir: string; readonly caFile: string; readonly envFile: string };
  /** The architecture images are built for (the machine's own), in OCI terms. */
  readonly architecture: string;
}

/** A job of the fl_actors plan. */
export type FlActorsJob = Job<FlActorsConfig>;
/** A job of the trained_model plan. */
export type TrainedModelJob = Job<TrainedModelConfig>;
