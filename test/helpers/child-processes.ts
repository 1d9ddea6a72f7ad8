import { readdir, readFile } from "node:fs/promises";

// Pids of this process's live children (zombies excluded), read from /proc; tests assert it
// is empty after stopping their services to prove nothing was left running.
export async function liveChildPids(parentPid = process.pid): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // Fields after the parenthesised command name: state, ppid, ...
    const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(ppid) === parentPid && state !== "Z") pids.push(Number(entry));
  }
  return pids;
}
