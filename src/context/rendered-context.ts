// What inject leaves for the build: a folder holding the repo, the FL components and the Containerfiles.

/** The rendered build context and its Containerfiles (paths inside `contextDir`). */
export interface RenderedContext {
  readonly contextDir: string;
  readonly containerfiles: { readonly base: string; readonly learner: string; readonly aggregator: string };
}
