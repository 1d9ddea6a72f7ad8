// The command's entry point: wires signals to cancellation and sets the exit code; never calls process.exit.

import { main } from './main.js';

const controller = new AbortController();
for (const name of ['SIGTERM', 'SIGINT'] as const) {
  process.once(name, () => controller.abort(new Error(`received ${name}`)));
}

process.exitCode = await main(process.argv.slice(2), controller.signal);
