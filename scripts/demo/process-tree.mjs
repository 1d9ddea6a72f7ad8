// Signals the processes a `buildah run` started: its runtime passes no signal on, so the command must get it itself.
// Shared by the demo (processes.mjs) and the tests that run images (test/helpers/image-process.ts).
import { readdir, readFile } from 'node:fs/promises';

/**
 * Signals processes below `root` (not `root` itself): with reach 'command' the deepest ones, the command (signalling
 * the runtime in between would end the command with SIGKILL); with 'all' every one of them, the command's children
 * too (a server's master, e.g. gunicorn's under `mlflow models serve`, would start new workers for killed ones).
 */
export async function signalBelow(root, signal, reach) {
  if (root === undefined) return;
  const parents = new Map();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The command name may hold spaces and parentheses: the parent pid follows the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid > 0) parents.set(Number(entry), ppid);
  }
  const below = (pid) =>
    [...parents].filter(([, parent]) => parent === pid).flatMap(([child]) => [child, ...below(child)]);
  const found = below(root);
  const reached = reach === 'all' ? found : found.filter((pid) => !found.some((other) => parents.get(other) === pid));
  for (const pid of reached) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}
