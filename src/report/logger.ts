// pino JSON logs to stdout, with secrets blanked before anything is written.

import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Creates the job's root logger; `hide` blanks secrets in every line before it reaches the destination. */
export function createLogger(level: string, hide: (text: string) => string, destination?: DestinationStream): Logger {
  const target = destination ?? pino.destination({ dest: 1, sync: true });
  // Masking the serialised line catches secrets in messages, fields and error stacks alike.
  const masked: DestinationStream = { write: (line: string) => target.write(hide(line)) };
  return pino(
    {
      level,
      base: { name: 'flops-image-builder' },
      // Fields that hold secrets by name are dropped even if a value was not known to the hider.
      redact: { paths: ['password', 'token', '*.password', '*.token', 'headers.authorization'], censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    masked,
  );
}
