// Network namespaces for tests: a private Linux host with a TAP device that
// the unikernel attaches to, so real Linux TCP, ping, curl and dnsmasq talk to
// it over a link that nothing else can see. Addresses are in 10.77.N.0/24,
// only inside the namespace.
import { execFileSync, type ChildProcess } from "node:child_process";
import { CLI, REPO, startGroup, stop } from "./harness.js";

export class TestNet {
  readonly ns: string;
  readonly tap = "crusttap0";
  /** Linux's address on the TAP; the guest gets .2 (static) or DHCP. */
  readonly hostIp: string;
  readonly guestIp: string;
  private readonly children: ChildProcess[] = [];

  constructor(index: number) {
    this.ns = `crust-test-${process.pid}-${index}`;
    this.hostIp = `10.77.${index}.1`;
    this.guestIp = `10.77.${index}.2`;
    execFileSync("ip", ["netns", "add", this.ns]);
    this.exec("ip", "link", "set", "lo", "up");
    this.exec("ip", "tuntap", "add", "dev", this.tap, "mode", "tap");
    this.exec("ip", "addr", "add", `${this.hostIp}/24`, "dev", this.tap);
    this.exec("ip", "link", "set", this.tap, "up");
  }

  /** Run a command inside the namespace and return its output. */
  exec(cmd: string, ...args: string[]): string {
    return execFileSync("ip", ["netns", "exec", this.ns, cmd, ...args], { encoding: "utf8", timeout: 120_000 });
  }

  /** Start a long-running process inside the namespace; stopped by close(). */
  start(cmd: string, args: string[]): ChildProcess {
    const p = startGroup("ip", ["netns", "exec", this.ns, cmd, ...args]);
    this.children.push(p);
    return p;
  }

  /** Boot an app on the TAP with crust run (qemu or node target). */
  crust(app: string, flags: string[], appArgs: string[] = []): ChildProcess {
    return this.start(process.execPath, [CLI, "run", app, "--net", "tap", "--tap", this.tap, ...flags, "--", ...appArgs]);
  }

  close(): void {
    for (const c of this.children) stop(c);
    try {
      execFileSync("ip", ["netns", "del", this.ns]);
    } catch {
      /* already gone */
    }
  }
}

/** Resolve when a child's stdout has printed a line matching re. */
export function waitForOutput(p: ChildProcess, re: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output so far:\n${out}`)), timeoutMs);
    p.stdout!.on("data", (d) => {
      out += d;
      const m = re.exec(out.replace(/\r/g, ""));
      if (m) {
        clearTimeout(t);
        resolve(m[0]);
      }
    });
    p.on("exit", () => {
      clearTimeout(t);
      reject(new Error(`exited before ${re}:\n${out}`));
    });
  });
}

export { REPO };
