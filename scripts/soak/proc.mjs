// What the soak watches in the gateway process, read from /proc (Linux): resident memory, open
// file descriptors and how many of them are sockets.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export function processFigures(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  let fds = 0;
  let sockets = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    fds++;
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) sockets++;
    } catch {
      // closed between the listing and the read
    }
  }
  return { rssMiB: rssKiB / 1024, fds, sockets };
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of a child process of `parent` whose command name contains `name` (workerd under miniflare). */
export function childPid(parent, name) {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = /\(([^)]*)\)/.exec(stat)?.[1] ?? "";
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent && comm.includes(name)) return Number(entry);
    } catch {
      // gone
    }
  }
  return undefined;
}
