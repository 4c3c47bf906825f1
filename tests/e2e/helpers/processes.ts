// Finding the process behind a server this test process started, to kill it the hard way (SIGKILL, no shutdown).
import { readdirSync, readFileSync } from "node:fs";

/** The pid of the child of this process serving `url` (started with PORT=<its port>); Linux /proc. */
export function childServerPid(url: string): number {
  const port = new URL(url).port;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (command) state ppid …": the command may hold spaces, so fields are counted after its ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(`PORT=${port}`)) return Number(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  throw new Error(`no child process of this test serves ${url}`);
}
