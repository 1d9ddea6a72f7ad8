import { describe, expect, it } from 'vitest';
import { type DepsEntry, digestsToDelete, retentionGroup } from '../../../src/images/deps-retention.js';

const entry = (tag: string, digest: string, created?: string): DepsEntry => ({ tag, digest, created });

describe('the retention of dependency images', () => {
  it('counts images and lock records of each role and architecture apart', () => {
    expect(retentionGroup('learner-amd64-0123abcd')).toBe('learner-amd64');
    expect(retentionGroup('aggregator-arm64-in-0123abcd')).toBe('aggregator-arm64-in');
    expect(retentionGroup('latest')).toBe('other');
  });

  it('deletes all but the newest of each group, never a tag in use, never a digest a kept tag names', () => {
    const entries = [
      entry('learner-amd64-aaaa', 'sha256:1', '2026-11-01T00:00:00Z'),
      entry('learner-amd64-bbbb', 'sha256:2', '2026-11-02T00:00:00Z'),
      entry('learner-amd64-cccc', 'sha256:3', '2026-11-03T00:00:00Z'),
      // An old image with the same content as a kept one: its manifest is the kept one's.
      entry('learner-amd64-dddd', 'sha256:3', '2026-10-01T00:00:00Z'),
      entry('aggregator-amd64-in-eeee', 'sha256:4', '2026-11-01T00:00:00Z'),
      entry('aggregator-amd64-in-ffff', 'sha256:5', '2026-11-02T00:00:00Z'),
      entry('learner-arm64-0000', 'sha256:6'),
      entry('latest', 'sha256:7', '2020-01-01T00:00:00Z'),
    ];
    expect(digestsToDelete(entries, new Set(), 1).sort()).toEqual(['sha256:1', 'sha256:2', 'sha256:4']);
    // The job's own tags stay, however old.
    expect(digestsToDelete(entries, new Set(['learner-amd64-aaaa']), 1).sort()).toEqual(['sha256:2', 'sha256:4']);
    expect(digestsToDelete(entries, new Set(), 5)).toEqual([]);
  });
});
