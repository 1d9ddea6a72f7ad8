// Keeps a project's flops-deps repository from growing forever: after each push, the dependency images and lock
// records of each role and architecture beyond the newest few are deleted from the registry (their blobs go with
// the registry's own garbage collection). The ones this job used are always kept. A registry that does not allow
// deletion keeps everything, and the job says so once; retention never fails a job.

import type { Logger } from '../report/logger.js';
import type { RegistryClient } from '../tools/registry-api.js';
import { LOCK_RECORD_TAG } from './deps-image.js';

/** One tag of the repository, with what decides whether it stays. */
export interface DepsEntry {
  readonly tag: string;
  readonly digest: string;
  /** ISO time its config says it was made; undefined when it says nothing (sorted oldest). */
  readonly created: string | undefined;
}

/** `learner-amd64-<hash>` and `learner-amd64-in-<hash>` (a lock record) are kept by separate counts. */
export function retentionGroup(tag: string): string {
  const lockRecord = LOCK_RECORD_TAG.exec(tag);
  if (lockRecord) return `${lockRecord[1]}-in`;
  return /^([a-z]+-[a-z0-9]+)-[0-9a-f]+$/.exec(tag)?.[1] ?? 'other';
}

/**
 * The digests to delete: in each group, all but the newest `keepPerGroup` and the tags in `inUse`; a digest that a
 * kept tag also names is never deleted (deleting a manifest removes every tag on it).
 */
export function digestsToDelete(
  entries: readonly DepsEntry[],
  inUse: ReadonlySet<string>,
  keepPerGroup: number,
): string[] {
  const groups = new Map<string, DepsEntry[]>();
  for (const entry of entries) {
    const group = retentionGroup(entry.tag);
    if (group === 'other') continue;
    groups.set(group, [...(groups.get(group) ?? []), entry]);
  }
  const kept = new Set<string>();
  const dropped: DepsEntry[] = [];
  for (const members of groups.values()) {
    const newestFirst = [...members].sort((a, b) => (b.created ?? '').localeCompare(a.created ?? ''));
    newestFirst.forEach((entry, index) => {
      if (index < keepPerGroup || inUse.has(entry.tag)) kept.add(entry.digest);
      else dropped.push(entry);
    });
  }
  for (const entry of entries) if (retentionGroup(entry.tag) === 'other') kept.add(entry.digest);
  return [...new Set(dropped.map((entry) => entry.digest))].filter((digest) => !kept.has(digest));
}

/** Applies the rule to `repository`, keeping `inUse`; logs what it deleted, and warns instead of failing. */
export async function pruneDepsRepository(
  registry: RegistryClient,
  keep: number,
  repository: string,
  inUse: ReadonlySet<string>,
  log: Logger,
): Promise<void> {
  if (keep <= 0) return;
  try {
    const entries: DepsEntry[] = [];
    for (const tag of await registry.tags(repository)) {
      const found = await registry.manifest(repository, tag);
      if (found === undefined) continue;
      const created = await createdOf(registry, repository, found.body);
      entries.push({ tag, digest: found.digest, created });
    }
    const doomed = digestsToDelete(entries, inUse, keep);
    let deleted = 0;
    for (const digest of doomed) {
      if (!(await registry.deleteManifest(repository, digest))) {
        log.info(
          { repository, kept: entries.length },
          'The registry does not allow deleting manifests, so old dependency images stay (on a distribution registry: REGISTRY_STORAGE_DELETE_ENABLED=true)',
        );
        return;
      }
      deleted += 1;
    }
    if (deleted > 0) log.info({ repository, deleted, keep_per_group: keep }, 'Deleted old dependency images');
  } catch (error) {
    log.warn({ err: error, repository }, 'Could not prune old dependency images; they stay in the registry');
  }
}

/** The config's `created` of a manifest (an index: its first entry's); undefined when there is none. */
async function createdOf(registry: RegistryClient, repository: string, body: Buffer): Promise<string | undefined> {
  const parsed = JSON.parse(body.toString('utf8')) as {
    config?: { digest: string };
    manifests?: { digest: string }[];
  };
  if (parsed.config) {
    const config = JSON.parse((await registry.blob(repository, parsed.config.digest)).toString('utf8'));
    return typeof config.created === 'string' ? config.created : undefined;
  }
  const first = parsed.manifests?.[0];
  if (first === undefined) return undefined;
  const inner = await registry.manifest(repository, first.digest);
  return inner ? createdOf(registry, repository, inner.body) : undefined;
}
