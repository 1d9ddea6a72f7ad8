import { readdir, readFile } from 'node:fs/promises';

// Pids of this process's live children (zombies excluded), read from /proc; tests assert it
// is empty after stopping their services to prove nothing was left running.
export async function liveChildPids(parentPid = process.pid): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // Fields after the parenthesised command name: state, ppid, ...
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === parentPid && state !== 'Z') pids.push(Number(entry));
  }
  return pids;
}

// One process, told apart from a later one that reuses its pid by its start time.
export interface ProcessIdentity {
  readonly pid: number;
  readonly start: string;
  readonly args: string;
}

interface ProcEntry extends ProcessIdentity {
  readonly ppid: number;
  readonly state: string;
}

async function readProc(): Promise<ProcEntry[]> {
  const entries: ProcEntry[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const args = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').join(' ').trim();
      // Fields after the command name start at field 3 (state); field 22 is the start time.
      entries.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        state: fields[0] ?? '',
        start: fields[19] ?? '',
        args,
      });
    } catch {}
  }
  return entries;
}

// Every live process below `rootPid` (children, grandchildren…), zombies excluded.
export async function descendants(rootPid: number): Promise<ProcessIdentity[]> {
  const all = await readProc();
  const found: ProcessIdentity[] = [];
  const parents = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const proc of all) {
      if (parents.has(proc.ppid) && !parents.has(proc.pid)) {
        parents.add(proc.pid);
        if (proc.state !== 'Z') found.push({ pid: proc.pid, start: proc.start, args: proc.args });
        grew = true;
      }
    }
  }
  return found;
}

// The processes of `known` still running (same pid, same start time, not a zombie).
export async function stillRunning(known: Iterable<ProcessIdentity>): Promise<ProcessIdentity[]> {
  const live = new Map((await readProc()).filter((proc) => proc.state !== 'Z').map((proc) => [proc.pid, proc]));
  return [...known].filter((proc) => live.get(proc.pid)?.start === proc.start);
}

// Polls, until stopped, every descendant of `rootPid` ever seen and any command line on the machine
// that contains one of `needles` (secrets that must never be on a command line).
export function watchProcesses(
  rootPid: number,
  needles: readonly string[] = [],
  intervalMs = 100,
): {
  readonly seen: ReadonlyMap<string, ProcessIdentity>;
  readonly leaks: readonly string[];
  stop(): Promise<void>;
} {
  const seen = new Map<string, ProcessIdentity>();
  const leaks: string[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const proc of await descendants(rootPid)) seen.set(`${proc.pid}/${proc.start}`, proc);
      if (needles.length > 0) {
        for (const proc of await readProc()) {
          if (needles.some((needle) => proc.args.includes(needle))) leaks.push(`${proc.pid}: ${proc.args}`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    seen,
    leaks,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

// Runs `work` while `rootPid` and every process below it are stopped (SIGSTOP), and lets them go on after (SIGCONT):
// what they were doing cannot finish first, however slow the test is to react.
export async function whileFrozen<T>(rootPid: number, work: () => Promise<T>): Promise<T> {
  // The root first, so that it starts no child after the tree is read.
  const frozen = [rootPid];
  process.kill(rootPid, 'SIGSTOP');
  try {
    for (const proc of await descendants(rootPid)) {
      try {
        process.kill(proc.pid, 'SIGSTOP');
        frozen.push(proc.pid);
      } catch {} // exited while we looked
    }
    return await work();
  } finally {
    for (const pid of frozen.reverse()) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {}
    }
  }
}
