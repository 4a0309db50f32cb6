/**
 * Test helpers that look at /proc: which processes descend from this one, and which run as a uid.
 * The exec tests use them to prove that no sandboxed process outlives its run.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly state: string;
  readonly uid: number;
  readonly cmdline: string;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended while we looked
  }
}

/** Every process visible in /proc. */
export function allProcesses(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    const status = read(`/proc/${name}/status`);
    if (stat === undefined || status === undefined) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    found.push({
      pid: Number(name),
      ppid: Number(fields[1]),
      state: fields[0] ?? '?',
      uid: Number(uid ?? -1),
      cmdline: (read(`/proc/${name}/cmdline`) ?? '').replaceAll('\0', ' ').trim(),
    });
  }
  return found;
}

/** Processes below `root` (children, grandchildren, …). */
export function descendantsOf(root: number = process.pid): ProcessInfo[] {
  const processes = allProcesses();
  const result: ProcessInfo[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const parent = frontier.pop();
    for (const info of processes) {
      if (info.ppid === parent) {
        result.push(info);
        frontier.push(info.pid);
      }
    }
  }
  return result;
}

/** The pool's fork servers among this process's descendants. */
export function forkServers(): ProcessInfo[] {
  return descendantsOf().filter((info) => info.cmdline.includes('fork-server.py'));
}

/**
 * What runs left behind: any process below a fork server (sandboxed children, escaped daemons,
 * which a server adopts as subreaper, zombies), plus any process anywhere running as one of `uids`.
 */
export function leftovers(uids: readonly number[] = []): ProcessInfo[] {
  const below = forkServers().flatMap((server) => descendantsOf(server.pid));
  const byUid = uids.length === 0 ? [] : allProcesses().filter((info) => uids.includes(info.uid));
  const seen = new Set<number>();
  return [...below, ...byUid].filter((info) => !seen.has(info.pid) && seen.add(info.pid));
}
