// crust debug: the qemu target under QEMU's gdb stub, with gdb attached and
// symbols loaded, stopped at the app's main, with breakpoints on the paths
// that end a broken guest (panic, wasm trap, CPU exception).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { CrustError } from "../errors.js";
import { functionSymbols } from "../pipeline/ksyms.js";
import { requireTool, TOOLS } from "../tools.js";
import { freePort } from "./ports.js";
import { qemuArgs, type QemuConfig } from "./qemu.js";

/** The C function wasm2c made of the app's exported main. */
export function appMainSymbol(debugElf: string, appName: string): string {
  const mains = functionSymbols(readFileSync(debugElf))
    .map((s) => s.name)
    .filter((n) => n.startsWith("w2c_") && n.endsWith("_main") && !n.startsWith("w2c__lib"));
  const mine = mains.filter((n) => n.includes(appName.replace(/[^A-Za-z0-9]/g, "_")));
  const pick = mine[0] ?? mains[0];
  if (!pick) throw new CrustError("cannot find the app's main in the image's symbols");
  return pick;
}

export interface DebugOptions {
  debugElf: string;
  appName: string;
  qemu: QemuConfig;
  /** Extra gdb commands to run after stopping at main (tests use "bt", "kill"). */
  commands: string[];
  /** Run gdb without a terminal session (for tests). */
  batch: boolean;
}

export async function runDebug(o: DebugOptions): Promise<number> {
  const qemu = requireTool(TOOLS.qemu);
  const gdb = requireTool(TOOLS.gdb);
  const port = await freePort();
  // TCG only: gdb's view of a KVM guest is less reliable, and speed is not the point.
  const vm = spawn(qemu, [...qemuArgs(o.qemu, "tcg"), "-gdb", `tcp:127.0.0.1:${port}`, "-S"], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  const main = appMainSymbol(o.debugElf, o.appName);
  // Hardware breakpoints: the loader writes the image after gdb attaches.
  const gdbArgs = [
    "-q", "-nx",
    ...(o.batch ? ["-batch"] : []),
    "-ex", "set architecture i386:x86-64",
    "-ex", "set pagination off",
    "-ex", `target remote 127.0.0.1:${port}`,
    "-ex", `hbreak ${main}`,
    "-ex", "hbreak crash",
    "-ex", "continue",
    ...o.commands.flatMap((c) => ["-ex", c]),
    o.debugElf,
  ];
  const code = await new Promise<number>((resolve, reject) => {
    const g = spawn(gdb, gdbArgs, { stdio: "inherit" });
    g.on("error", reject);
    g.on("close", (c) => resolve(c ?? 1));
  });
  vm.kill("SIGKILL");
  return code;
}
