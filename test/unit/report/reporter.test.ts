import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import { OBSERVER_GIVE_UP_AFTER, openReporter } from '../../../src/report/reporter.js';
import { freePort } from '../../helpers/ports.js';

describe('openReporter: the observer', () => {
  it(`is sent nothing more after ${OBSERVER_GIVE_UP_AFTER} lines in a row it did not take, and never holds the job up`, async () => {
    const invocation = loadConfig(
      [
        'https://h/alice/mnist',
        'http://registry:5000',
        'proj-1',
        '127.0.0.1',
        String(await freePort()),
        `127.0.0.1:${await freePort()}`,
      ],
      {},
    );
    if (invocation.kind !== 'run') throw new Error('no config');
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const reporter = await openReporter(invocation.config, log, (text) => text);
    for (let i = 0; i < 10; i += 1)
      reporter.phase({ flops_project_id: 'proj-1', phase: 'clone', state: 'started', elapsed_ms: 0, detail: '' });
    const closing = performance.now();
    await reporter.close();
    expect(performance.now() - closing).toBeLessThan(3_000);
    expect(lines.filter((line) => String(line.msg).includes('sending it nothing more'))).toHaveLength(1);
  });
});

describe('openReporter: a failure', () => {
  it('is logged with its code and reason when notifications are off (nothing else would tell it)', async () => {
    const invocation = loadConfig(
      ['https://h/alice/mnist', 'http://registry:5000', 'proj-1', '127.0.0.1', '1883', '--deactivate-notifications'],
      {},
    );
    if (invocation.kind !== 'run') throw new Error('no config');
    expect(invocation.config.notifications).toBe(false);
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const reporter = await openReporter(invocation.config, log, (text) => text.replaceAll('s3cret', '****'));
    reporter.failed({
      flops_project_id: 'proj-1',
      phase: null,
      code: 'BUILD_ACCESS_MISSING',
      exit_code: 3,
      error_msg: 'user bob has no subordinate UID range in /etc/subuid (token s3cret)',
      durations_ms: {},
      total_ms: 5,
    });
    await reporter.close();
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        code: 'BUILD_ACCESS_MISSING',
        exit_code: 3,
        phase: null,
        error_msg: 'user bob has no subordinate UID range in /etc/subuid (token ****)',
      }),
    ]);
    expect(String(lines[0]?.msg)).toContain('no subordinate UID range');
  });
});
