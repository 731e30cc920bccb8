// Helpers for the test suite: run the real crust CLI as a user would, and
// collect what it printed.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { REPO } from "../src/project.js";

export { REPO };
export const CLI = join(REPO, "tools/bin/crust.js");

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function crust(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), opts.timeoutMs ?? 180_000);
    p.on("error", reject);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Start a long-running process in its own process group, so stop() ends
 *  it together with everything it started (crust's QEMU, for one). */
export function startGroup(cmd: string, args: string[]): ChildProcess {
  return spawn(cmd, args, { cwd: REPO, detached: true, stdio: ["ignore", "pipe", "pipe"] });
}

export function stop(p: ChildProcess): void {
  if (p.pid === undefined) return;
  try {
    process.kill(-p.pid, "SIGKILL");
  } catch {
    /* already gone */
  }
}

export { freePort } from "../src/run/ports.js";

/** The console text of a run, without the serial line's carriage returns. */
export function consoleText(r: Result): string {
  return r.stdout.replace(/\r/g, "");
}
