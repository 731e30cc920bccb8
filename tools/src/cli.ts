// The crust command line: build and run Crust apps. Every option is checked
// before anything starts; a mistake is one line and a hint, never a stack.
import { join } from "node:path";
import { build, XEN_MODES, type XenMode } from "./pipeline/pipeline.js";
import { CrustError, UsageError } from "./errors.js";
import { resolveApp, TARGETS, type Target } from "./project.js";
import { runDebug } from "./run/debug.js";
import { parseImpairment, type Impairment } from "./run/hostnet.js";
import { runNode } from "./run/node.js";
import { runXen } from "./xen/run.js";
import { guestCommandLine, MACHINES, runInteractive, type Machine, type PortForward } from "./run/qemu.js";

const USAGE = `usage:
  npx crust build <app> [--target qemu|node|xen] [--mode pv|pvh] [--debug]
  npx crust run <app> [options] [-- ARGS...]
  npx crust debug <app> [options] [-- ARGS...]   (qemu target under gdb, stopped at main)

<app> is a folder with index.ts, or a single .ts file.

run options:
  --target qemu|node|xen where to run (default qemu; xen: a PV guest in real
                         Xen nested under QEMU, see README)
  --mode pv|pvh          xen target: a PV (default) or a PVH guest
  --debug                unoptimized build
  -m, --memory SIZE      guest memory, e.g. 8M, 64M, 1G (default 64M)
  --machine TYPE         microvm (default), q35 or pc
  --log LEVEL            kernel log level: error, warn, info, debug
  -k, --kernel KEY=VALUE kernel option (repeatable), e.g. -k ip=10.0.2.15/24 -k gw=10.0.2.2
  -p HOST:GUEST[/udp]    forward 127.0.0.1:HOST to the guest's port (user networking)
  --net user|tap|none    network (default: user when -p is given, else none)
  --tap NAME             TAP device for --net tap
  --rng                  add a virtio-rng device
  --impair SPEC          node target: drop/duplicate/reorder frames between
                         the TAP and the kernel, e.g. loss=5,dup=2,reorder=10 (%)
  --accel auto|tcg|kvm   accelerator (default auto: KVM when it really works)
  --qemu-arg ARG         pass ARG to QEMU (repeatable)
  --gdb-ex CMD           debug: run a gdb command after stopping at main (repeatable)
  --batch                debug: run gdb without a session (its commands, then exit)
  -- ARGS...             the app's command line`;

interface Parsed {
  command: string;
  app: string;
  target: Target;
  mode?: XenMode;
  debug: boolean;
  memory: string;
  machine: Machine;
  log?: string;
  kernelOptions: string[];
  ports: PortForward[];
  net?: "none" | "user" | "tap";
  tap?: string;
  rng: boolean;
  accel: "auto" | "tcg" | "kvm";
  qemuArgs: string[];
  gdbCommands: string[];
  impairment?: Impairment;
  batch: boolean;
  appArgs: string[];
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`${flag} must be one of ${allowed.join(", ")}, not '${value}'`);
  return value as T;
}

/** QEMU sizes: a number with an optional K, M or G suffix (MiB if none). */
export function parseMemory(value: string): string {
  const m = /^(\d+)([KMG]?)$/i.exec(value);
  if (!m) throw new UsageError(`bad memory size '${value}': use e.g. 8M, 64M or 1G`);
  const mib = Number(m[1]) * ({ K: 1 / 1024, M: 1, G: 1024, "": 1 } as Record<string, number>)[m[2].toUpperCase()];
  if (mib < 2) throw new UsageError(`memory size '${value}' is too small: Crust needs at least 2M`);
  if (mib > 3072) throw new UsageError(`memory size '${value}' is too large: at most 3G (the wasm32 heap lives below the 3 GiB device hole)`);
  return `${Math.round(mib)}M`;
}

function parsePort(value: string): PortForward {
  const m = /^(\d+):(\d+)(\/(tcp|udp))?$/.exec(value);
  const ok = (n: number) => n > 0 && n < 65536;
  if (!m || !ok(Number(m[1])) || !ok(Number(m[2])))
    throw new UsageError(`bad port forward '${value}': use HOST:GUEST, e.g. -p 8080:80`);
  return { host: Number(m[1]), guest: Number(m[2]), proto: (m[4] as "tcp" | "udp") ?? "tcp" };
}

export function parseArgs(argv: string[]): Parsed {
  const [command, ...rest] = argv;
  const p: Parsed = {
    command, app: "", target: "qemu", debug: false, memory: "64M", machine: "microvm",
    kernelOptions: [], ports: [], rng: false, accel: "auto", qemuArgs: [], gdbCommands: [], batch: false, appArgs: [],
  };
  const value = (i: number, flag: string) => {
    if (i >= rest.length || rest[i].startsWith("-")) throw new UsageError(`${flag} needs a value`);
    return rest[i];
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const [flag, inline] = eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const take = () => inline ?? value(++i, flag);
    switch (flag) {
      case "--": p.appArgs = rest.slice(i + 1); i = rest.length; break;
      case "--target": p.target = oneOf(flag, take(), TARGETS); break;
      case "--mode": p.mode = oneOf(flag, take(), XEN_MODES); break;
      case "--debug": p.debug = true; break;
      case "-m": case "--memory": p.memory = parseMemory(take()); break;
      case "--machine": p.machine = oneOf(flag, take(), MACHINES); break;
      case "--log": p.log = oneOf(flag, take(), ["error", "warn", "info", "debug"] as const); break;
      case "-k": case "--kernel": {
        const v = take();
        if (!/^[A-Za-z0-9_.-]+(=\S*)?$/.test(v)) throw new UsageError(`bad kernel option '${v}': use KEY=VALUE without spaces`);
        p.kernelOptions.push(v);
        break;
      }
      case "-p": p.ports.push(parsePort(take())); break;
      case "--net": p.net = oneOf(flag, take(), ["none", "user", "tap"] as const); break;
      case "--tap": p.tap = take(); break;
      case "--rng": p.rng = true; break;
      case "--accel": p.accel = oneOf(flag, take(), ["auto", "tcg", "kvm"] as const); break;
      case "--qemu-arg": p.qemuArgs.push(inline ?? rest[++i] ?? ""); break;
      case "--gdb-ex": p.gdbCommands.push(inline ?? rest[++i] ?? ""); break;
      case "--batch": p.batch = true; break;
      case "--impair": {
        const v = take();
        const imp = parseImpairment(v);
        if (!imp) throw new UsageError(`bad --impair '${v}': use e.g. loss=5,dup=2,reorder=10 (percent)`);
        p.impairment = imp;
        break;
      }
      default:
        if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
        if (p.app) throw new UsageError(`unexpected argument '${a}' (app arguments go after --)`);
        p.app = a;
    }
  }
  if (!p.app) throw new UsageError(`${command} needs an app: a folder with index.ts or a .ts file`);
  if (p.mode && p.target !== "xen") throw new UsageError("--mode is for the xen target: --target xen --mode pv|pvh");
  if (p.net === "tap" && !p.tap) throw new UsageError("--net tap needs --tap NAME");
  if (p.tap && !p.net) p.net = "tap";
  if (p.impairment && !(p.target === "node" && p.tap)) throw new UsageError("--impair works on the node target with --tap");
  if (p.target === "xen" && (p.net || p.ports.length || p.rng)) throw new UsageError("the xen target has no network or rng devices yet");
  if (p.ports.length && p.net && p.net !== "user") throw new UsageError("-p needs user networking (--net user)");
  return p;
}

const log = (line: string) => process.stderr.write(line + "\n");

async function buildApp(p: Parsed) {
  const app = resolveApp(p.app);
  log(`crust: building ${app.name} for ${p.target}${p.mode ? ` (${p.mode})` : ""}${p.debug ? " (debug)" : ""}`);
  return build(app, { target: p.target, mode: p.mode, debug: p.debug, log });
}

async function command(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (!["build", "run", "debug"].includes(argv[0])) throw new UsageError(`unknown command '${argv[0]}'`);
  const p = parseArgs(argv);
  if (p.command === "debug") {
    if (p.target !== "qemu") throw new UsageError("debug runs the qemu target");
    p.debug = true;
  }
  const built = await buildApp(p);
  if (p.command === "build") {
    log(`crust: ${built.image}`);
    if (p.target === "xen") log(`crust: ${join(built.dir, "crust.xl")} (start it on a Xen host with: xl create -c crust.xl)`);
    return 0;
  }
  const cmdline = guestCommandLine([...(p.log ? [`log=${p.log}`] : []), ...p.kernelOptions], p.appArgs);
  const qemu = {
    image: built.image, machine: p.machine, memory: p.memory, cmdline,
    net: p.net ?? (p.ports.length ? "user" : "none"), tap: p.tap, ports: p.ports,
    rng: p.rng, extra: p.qemuArgs, accel: p.accel,
  } as const;
  if (p.command === "debug") {
    const app = resolveApp(p.app);
    return runDebug({ debugElf: built.debugImage!, appName: app.name, qemu, commands: p.gdbCommands, batch: p.batch });
  }
  if (p.target === "xen") {
    return runXen({ image: built.image, mode: p.mode, name: resolveApp(p.app).name, memoryMiB: parseInt(p.memory, 10), cmdline }, log);
  }
  if (p.target === "node") {
    if (p.net === "user") throw new UsageError("the node target has no user networking: use --tap NAME");
    return runNode(built.image, { cmdline, tap: p.tap, impairment: p.impairment });
  }
  return runInteractive(qemu);
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await command(argv);
  } catch (e) {
    if (e instanceof CrustError) {
      process.stderr.write(`crust: ${e.message}\n${e.hint ? `  (${e.hint})\n` : ""}`);
      return e.exitCode;
    }
    throw e;
  }
}
