import type { DestinationStream } from 'pino';
import { describe, expect, it } from 'vitest';
import { secretHider } from '../../../src/report/hide-secrets.js';
import { createLogger, type Logger } from '../../../src/report/logger.js';

const SECRET = 'ghp_s3cr3t_token_value';

function recordingLogger(secrets: string[], level = 'info'): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination: DestinationStream = { write: (line: string) => void lines.push(line) };
  return { log: createLogger(level, secretHider(secrets), destination), lines };
}

describe('createLogger', () => {
  it('writes pino JSON lines with a level label and the builder name', () => {
    const { log, lines } = recordingLogger([]);
    log.child({ phase: 'clone' }).info({ n: 1 }, 'Start step');
    log.debug('below the level');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'info',
      name: 'flops-image-builder',
      phase: 'clone',
      n: 1,
      msg: 'Start step',
    });
    expect(typeof JSON.parse(lines[0] ?? '').time).toBe('string');
  });

  it.each<[string, (log: Logger) => void]>([
    ['a message', (log) => log.info(`cloning with ${SECRET}`)],
    ['a formatted message', (log) => log.info('cloning with %s', SECRET)],
    ['a field', (log) => log.info({ token_used: SECRET }, 'cloning')],
    [
      'a nested field',
      (log) => log.info({ request: { url: `https://x-access-token:${SECRET}@github.com/a/b` } }, 'cloning'),
    ],
    ['a child binding', (log) => log.child({ remote: SECRET }).warn('retrying')],
    ['an Error field', (log) => log.error({ err: new Error(`git failed for ${SECRET}`) }, 'Failed step')],
    ['an Error argument', (log) => log.error(new Error(`git failed for ${SECRET}`), 'Failed step')],
    ['an Error cause', (log) => log.error({ err: new Error('outer', { cause: new Error(SECRET) }) }, 'Failed step')],
  ])('never writes a secret passed in %s', (_case, write) => {
    const { log, lines } = recordingLogger([SECRET]);
    write(log);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).toContain('[REDACTED]');
    expect(() => JSON.parse(lines[0] ?? '')).not.toThrow();
  });

  it.each([
    [{ password: 'unknown-pw' }],
    [{ token: 'unknown-token' }],
    [{ auth: { password: 'unknown-pw' } }],
    [{ headers: { authorization: 'Bearer unknown' } }],
  ])('drops fields named like secrets even when the hider does not know the value: %j', (fields) => {
    const { log, lines } = recordingLogger([]);
    log.info(fields, 'request');
    expect(lines[0]).not.toContain('unknown');
    expect(lines[0]).toContain('[REDACTED]');
  });

  it('strips user info from URLs it was not told about', () => {
    const { log, lines } = recordingLogger([]);
    log.info({ url: 'https://bob:hunter2@example.com/a/b' }, 'fetching');
    expect(lines[0]).not.toContain('hunter2');
  });

  it.each([['pa"ss-word-1'], ['pa\\ss-word-2']])(
    'never writes a secret holding a JSON-escaped character: %j',
    (secret) => {
      const { log, lines } = recordingLogger([secret]);
      log.info({ detail: secret }, `login with ${secret}`);
      expect(lines).toHaveLength(1);
      const parsed = JSON.parse(lines[0] ?? '') as { detail: string; msg: string };
      expect([parsed.detail, parsed.msg]).toEqual(['[REDACTED]', 'login with [REDACTED]']);
    },
  );
});
