// The retention of dependency images against the real distribution registry: old lock records and dependency
// images go, the newest and the job's own stay, and a registry that deletes nothing is left as it is.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneDepsRepository } from '../../src/images/deps-retention.js';
import { writeLockRecord } from '../../src/images/lock-record.js';
import { createLogger } from '../../src/report/logger.js';
import { parseRegistryTarget } from '../../src/tables/registry-target.js';
import { RegistryClient } from '../../src/tools/registry-api.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';

const REPOSITORY = 'team/project/flops-deps';

describe('pruning a flops-deps repository', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  const lines: string[] = [];
  const log = createLogger('info', (text) => text, { write: (line: string) => void lines.push(line) });

  beforeAll(async () => {
    registry = await startRegistry();
    const target = parseRegistryTarget(registry.url);
    if (typeof target === 'string') throw new Error(target);
    client = new RegistryClient(target, undefined, undefined);
  });

  afterAll(async () => {
    await client?.close();
    await registry?.stop();
  });

  const record = async (tag: string, lock: string): Promise<void> => {
    await writeLockRecord(client, REPOSITORY, tag, 'linux/amd64', { lock });
    // Records made in the same millisecond would tie on their `created` time.
    await new Promise((resolve) => setTimeout(resolve, 20));
  };

  it('keeps the newest of each group and the tags in use, and deletes the rest', async () => {
    await record('aggregator-amd64-in-0001', 'a');
    await record('aggregator-amd64-in-0002', 'b');
    await record('aggregator-amd64-in-0003', 'c');
    await record('aggregator-arm64-in-0004', 'd');
    await record('aggregator-amd64-in-0005', 'e');
    await pruneDepsRepository(client, 2, REPOSITORY, new Set(['aggregator-amd64-in-0001']), log);
    expect((await client.tags(REPOSITORY)).sort()).toEqual([
      'aggregator-amd64-in-0001',
      'aggregator-amd64-in-0003',
      'aggregator-amd64-in-0005',
      'aggregator-arm64-in-0004',
    ]);
    expect(lines.some((line) => line.includes('Deleted old dependency images'))).toBe(true);
  });

  it('keeps everything with --keep-deps 0', async () => {
    await pruneDepsRepository(client, 0, REPOSITORY, new Set(), log);
    expect(await client.tags(REPOSITORY)).toHaveLength(4);
  });
});
