// The command's entry point: wires signals to cancellation and sets the exit code; never calls process.exit.

import './v8-flags.js';
import { StopReason } from './errors.js';
import { main } from './main.js';

const controller = new AbortController();
for (const name of ['SIGTERM', 'SIGINT'] as const) {
  // `on`, not `once`: a second signal must not fall back to Node's default (exit at once) and skip clean-up.
  process.on(name, () => {
    if (!controller.signal.aborted) controller.abort(StopReason.signal(name));
    else process.stderr.write(`flops-image-builder: ${name} received again; still stopping and cleaning up\n`);
  });
}

process.exitCode = await main(process.argv.slice(2), controller.signal);
