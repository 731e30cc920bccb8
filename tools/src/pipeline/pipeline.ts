// crust build: app + kernel --asc--> kernel.wasm --wasm2c--> kernel.c
// --clang--> objects --ld.lld (twice, for the symbol table)--> crust.elf.
// The node target stops at kernel.wasm.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync, lstatSync, unlinkSync, readdirSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { CrustError } from "../errors.js";
import { KERNEL_DIR, MACHINE_DIR, REPO, TARGETS_DIR, type App, type Target } from "../project.js";
import { requireTool, TOOLS } from "../tools.js";
import { ASSETS_FOLDER, assetsSource } from "./assets.js";
import { entrySource } from "./glue.js";
import { ksymsBlob } from "./ksyms.js";
import { Fingerprint, StepRunner, listFiles } from "./steps.js";
import { xlConfig } from "../xen/config.js";

export interface BuildOptions {
  target: Target;
  /** The xen target's guest type: a PV guest (the default) or PVH. */
  mode?: XenMode;
  debug: boolean;
  log: (line: string) => void;
}

export interface BuildResult {
  /** crust.elf for qemu, kernel.wasm for node. */
  image: string;
  /** The unstripped ELF with full symbols (qemu only), for gdb. */
  debugImage?: string;
  dir: string;
}

export const XEN_MODES = ["pv", "pvh"] as const;
export type XenMode = (typeof XEN_MODES)[number];

/** The machine layer's folders for each platform, under machine/x86_64 next
 *  to the files all platforms share, the most specific last: its
 *  platform.h is the one machine.h includes. The PVH boot (pvh/) serves
 *  QEMU's emulated PC (pc/) and Xen PVH domains; the Xen services (xen/)
 *  serve PV and PVH guests. */
const MACHINE_LAYERS: Record<"qemu" | "xen-pv" | "xen-pvh", string[]> = {
  qemu: ["pvh", "pc"],
  "xen-pv": ["xen", "xen/pv"],
  "xen-pvh": ["pvh", "xen", "xen/pvh"],
};

function machineLayers(opts: BuildOptions): string[] {
  const layers = opts.target === "xen" ? MACHINE_LAYERS[`xen-${opts.mode ?? "pv"}`] : MACHINE_LAYERS.qemu;
  return layers.map((l) => join(MACHINE_DIR, l));
}

/** Where a build goes: <app>/build/<target>, and build/xen-pvh for PVH. */
export function buildDir(app: App, target: Target, mode?: XenMode): string {
  return target === "xen" && mode === "pvh" ? `${app.buildDir(target)}-pvh` : app.buildDir(target);
}

const isTs = (n: string) => n.endsWith(".ts");
const isMachineSource = (n: string) => /\.(c|h|S|ld)$/.test(n);

/** Flags for the freestanding x86-64 machine layer and the wasm2c output. */
function clangFlags(debug: boolean, includeDir: string, layers: string[]): string[] {
  return [
    "--target=x86_64-unknown-none-elf",
    "-ffreestanding", "-nostdlib", "-fno-pic", "-fno-pie", "-fno-stack-protector",
    "-mno-red-zone", // interrupts push onto the current stack
    "-fno-omit-frame-pointer", // backtraces walk the frame-pointer chain
    "-fno-asynchronous-unwind-tables",
    debug ? "-O0" : "-Os",
    "-g",
    `-I${join(MACHINE_DIR, "include")}`, ...[...layers].reverse().map((d) => `-I${d}`), `-I${MACHINE_DIR}`, `-I${includeDir}`,
    // Every platform maps the linear memory behind a guard window
    // (pvh/paging.c, xen/pv/memory.c): an out-of-bounds access faults and the
    // generated code checks nothing; a stack overflow hits the guard page.
    "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1", "-DWASM_RT_USE_STACK_DEPTH_COUNT=0",
  ];
}

function exec(cmd: string, args: string[], cwd = REPO): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    p.stdout.on("data", (d) => (output += d));
    p.stderr.on("data", (d) => (output += d));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

async function mustExec(what: string, cmd: string, args: string[]): Promise<void> {
  const r = await exec(cmd, args);
  if (r.code !== 0) throw new CrustError(`${what} failed:\n${r.output.trimEnd()}`);
}

/** The kernel is reachable to every module as the package "crust". */
function linkKernelPackage(dir: string): string {
  const lib = join(dir, "lib");
  mkdirSync(lib, { recursive: true });
  const link = join(lib, "crust");
  if (existsSync(link) || isSymlink(link)) unlinkSync(link);
  symlinkSync(KERNEL_DIR, link);
  return lib;
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** An app uses devices when it imports the network stack, HTTP or a device
 *  interface; only then are drivers linked (MirageOS's rule: a unikernel
 *  carries only what it uses). */
function usesDevices(app: App): boolean {
  return app.sourceDirs
    .flatMap((d) => listFiles(d).filter(isTs))
    .some((f) => /from\s+["']crust\/(net|http|dev)\b/.test(readFileSync(f, "utf8")));
}

/** The generated modules: the entry and, for an app with public/, its assets. */
function generatedSources(app: App, target: Target, dir: string): { entry: string; assets: string | null } {
  const assets = app.sourceDirs.length === 1 && app.entry.endsWith("index.ts") ? assetsSource(app.sourceDirs[0]) : null;
  const entry = entrySource(app, target, join(dir, "entry.ts"), assets !== null, usesDevices(app));
  return { entry, assets };
}

async function compileAsc(app: App, opts: BuildOptions, dir: string, wasm: string, generated: { entry: string; assets: string | null }): Promise<void> {
  const entry = join(dir, "entry.ts");
  if (generated.assets !== null) writeFileSync(join(dir, "assets.ts"), generated.assets);
  writeFileSync(entry, generated.entry);
  const lib = linkKernelPackage(dir);
  const asc = await import("assemblyscript/asc");
  const args = [
    relative(REPO, entry),
    "--path", relative(REPO, lib),
    "-o", relative(REPO, wasm),
    // Two-colour mark & sweep, run by the event loop between turns
    // (kernel/core/gc.ts says why not the incremental collector).
    "--runtime", "minimal",
    "--use", "GC_TOTAL=~lib/rt/tcms/total",
    "--debug", // keeps function names: crash reports and gdb show them
    "--use", "abort=~lib/crust/core/panic/abort",
    "--use", "seed=~lib/crust/core/entropy/mathSeed",
    "--use", "trace=~lib/crust/core/log/trace",
    ...(opts.debug ? ["-O0"] : ["-O3", "--shrinkLevel", "1"]),
  ];
  let diagnostics = "";
  const sink = { write: (s: string | Uint8Array) => ((diagnostics += String(s)), true) };
  const cwd = process.cwd();
  process.chdir(REPO);
  try {
    const r = await asc.main(args, { stdout: sink as never, stderr: sink as never });
    if (r.error) throw new CrustError(`${app.name} does not compile:\n${diagnostics.trimEnd()}`);
  } finally {
    process.chdir(cwd);
  }
}

export async function build(app: App, opts: BuildOptions): Promise<BuildResult> {
  const dir = buildDir(app, opts.target, opts.mode);
  mkdirSync(dir, { recursive: true });
  const steps = new StepRunner(dir, opts.log);
  const wasm = join(dir, "kernel.wasm");
  const ascVersion = JSON.parse(readFileSync(join(REPO, "node_modules/assemblyscript/package.json"), "utf8")).version;

  const generated = generatedSources(app, opts.target, dir);
  const sources = new Fingerprint().add("asc", ascVersion, opts.target, opts.debug, app.entry, generated.entry);
  for (const d of [KERNEL_DIR, TARGETS_DIR, ...app.sourceDirs]) sources.tree(d, isTs);
  for (const d of app.sourceDirs) sources.tree(join(d, ASSETS_FOLDER), () => true);
  await steps.run("asc", sources.digest(), [wasm], () => compileAsc(app, opts, dir, wasm, generated));
  if (opts.target === "node") return { image: wasm, dir };

  const wasm2c = requireTool(TOOLS.wasm2c);
  const clang = requireTool(TOOLS.clang);
  const lld = requireTool(TOOLS.lld);
  const kernelC = join(dir, "kernel.c");
  await steps.run("wasm2c", new Fingerprint().file(wasm).digest(), [kernelC], () =>
    mustExec("wasm2c", wasm2c, [wasm, "-n", "kernel", "-o", kernelC]),
  );

  const layers = machineLayers(opts);
  const flags = clangFlags(opts.debug, dir, layers);
  const kernelObj = join(dir, "kernel.o");
  await steps.run("clang", new Fingerprint().add(...flags).file(kernelC).digest(), [kernelObj], () =>
    mustExec("clang", clang, [...flags, "-w", "-c", kernelC, "-o", kernelObj]),
  );

  const isCompiled = (f: string) => f.endsWith(".c") || f.endsWith(".S");
  const machineSources = [MACHINE_DIR, ...layers].flatMap((d) => readdirSync(d).filter(isCompiled).map((f) => join(d, f)));
  const objDir = join(dir, "machine");
  mkdirSync(objDir, { recursive: true });
  const machineObjs = machineSources.map((f) => join(objDir, `${relative(MACHINE_DIR, f).replace(/\//g, "_")}.o`));
  const machinePrint = new Fingerprint().add(...flags).tree(MACHINE_DIR, isMachineSource).file(join(dir, "kernel.h"));
  await steps.run("machine", machinePrint.digest(), machineObjs, async () => {
    await Promise.all(
      machineSources.map((f, i) =>
        mustExec(`clang ${relative(MACHINE_DIR, f)}`, clang, [...flags, "-Wall", "-Werror", "-c", f, "-o", machineObjs[i]]),
      ),
    );
  });

  const elf = join(dir, "crust.elf");
  const debugElf = join(dir, "crust.debug.elf");
  const linkPrint = new Fingerprint().file(kernelObj).add(...machineObjs.map((o) => readFileSync(o).toString("base64")));
  await steps.run("link", linkPrint.file(join(MACHINE_DIR, "crust.ld")).digest(), [elf, debugElf], async () => {
    const ksymsBin = join(dir, "ksyms.bin");
    const ksymsAsm = join(dir, "ksyms.S");
    const ksymsObj = join(dir, "ksyms.o");
    writeFileSync(ksymsAsm, `.section .ksyms, "a"\n.p2align 3\n.incbin "${basename(ksymsBin)}"\n`);
    const link = (out: string, strip: boolean) =>
      mustExec("ld.lld", lld, [
        "-nostdlib", "-static", "-z", "max-page-size=4096", "-z", "noexecstack",
        "-T", join(MACHINE_DIR, "crust.ld"), ...(strip ? ["--strip-all"] : []),
        "-o", out, kernelObj, ...machineObjs, ksymsObj,
      ]);
    const assemble = () => mustExec("clang ksyms", clang, [...flags, "-c", ksymsAsm, "-o", ksymsObj, `-Wa,-I${dir}`]);
    writeFileSync(ksymsBin, Buffer.alloc(0));
    await assemble();
    await link(debugElf, false);
    writeFileSync(ksymsBin, ksymsBlob(readFileSync(debugElf)));
    await assemble();
    await link(elf, true);
    await link(debugElf, false); // same addresses, now with the table too
  });
  if (opts.target === "xen") writeFileSync(join(dir, "crust.xl"), xlConfig(app.name, { mode: opts.mode }));
  return { image: elf, debugImage: debugElf, dir };
}
