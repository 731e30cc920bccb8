// Booting an image under QEMU: the command line for each machine type, the
// exit-code protocol (machine/x86_64/power.c), and the KVM check.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CrustError } from "../errors.js";
import { MACHINE_DIR, REPO } from "../project.js";
import { requireTool, TOOLS } from "../tools.js";

export const MACHINES = ["microvm", "q35", "pc"] as const;
export type Machine = (typeof MACHINES)[number];

export interface PortForward {
  host: number;
  guest: number;
  proto: "tcp" | "udp";
}

export interface QemuConfig {
  image: string;
  machine: Machine;
  memory: string;
  /** The guest command line: kernel options, then `--` and the app's words. */
  cmdline: string;
  net: "none" | "user" | "tap";
  tap?: string;
  ports: PortForward[];
  rng: boolean;
  extra: string[];
  /** Use KVM if it really works here (checked once, then remembered). */
  accel: "auto" | "tcg" | "kvm";
}

/** Quote one app argument for the guest's sh-like splitter (kernel/core/args.ts). */
export function quoteWord(w: string): string {
  return /^[A-Za-z0-9_.,:/=+@%-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

export function guestCommandLine(kernelOptions: string[], appArgs: string[]): string {
  return [...kernelOptions, "--", ...appArgs.map(quoteWord)].join(" ");
}

function deviceSuffix(machine: Machine): string {
  return machine === "microvm" ? "device" : "pci";
}

export function qemuArgs(c: QemuConfig, accel: "tcg" | "kvm"): string[] {
  // microvm: ACPI off, so QEMU announces virtio-mmio devices on the command
  // line (virtio_mmio.device=) and wires them to the first I/O APIC; modern
  // (version 2) virtio-mmio rather than the legacy default.
  const machineOpts =
    c.machine === "microvm"
      ? "microvm,x-option-roms=off,rtc=on,pit=on,pic=off,isa-serial=on,acpi=off"
      : c.machine;
  const args = [
    "-M", machineOpts,
    "-accel", accel,
    "-cpu", accel === "kvm" ? "host" : "max",
    "-m", c.memory,
    "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
    "-serial", "stdio",
    "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
    "-kernel", c.image,
    "-append", c.cmdline,
  ];
  if (c.machine === "microvm") args.push("-global", "virtio-mmio.force-legacy=false");
  if (c.machine !== "microvm") {
    // SeaBIOS would print its banner on the serial console: send it nowhere.
    args.push("-fw_cfg", `name=etc/sercon-port,file=${serconOffFile()}`);
  }
  const dev = deviceSuffix(c.machine);
  if (c.net === "user") {
    const fwd = c.ports.map((p) => `,hostfwd=${p.proto}:127.0.0.1:${p.host}-:${p.guest}`).join("");
    args.push("-netdev", `user,id=net0${fwd}`, "-device", `virtio-net-${dev},netdev=net0`);
  } else if (c.net === "tap") {
    args.push("-netdev", `tap,id=net0,ifname=${c.tap},script=no,downscript=no`, "-device", `virtio-net-${dev},netdev=net0`);
  }
  if (c.rng) args.push("-device", `virtio-rng-${dev}`);
  return [...args, ...c.extra];
}

/** A 4-byte zero for SeaBIOS's etc/sercon-port (0 = no serial console). */
function serconOffFile(): string {
  const f = join(tmpdir(), "crust-sercon-off.bin");
  if (!existsSync(f)) writeFileSync(f, Buffer.alloc(4));
  return f;
}

/** QEMU's exit status -> the guest's exit code (see power.c). */
export function guestExitCode(status: number): number | null {
  if (status === 0) return 0; // powered off without an exit code (ACPI)
  if (status % 2 === 1 && status >= 3) return (status >> 1) - 1;
  return null; // QEMU itself failed
}

/** The floor stub: a PVH guest that exits at once (benchmarks, KVM check). */
export function floorStub(): string {
  const dir = join(REPO, "build", "stub");
  const elf = join(dir, "floor.elf");
  if (existsSync(elf)) return elf;
  mkdirSync(dir, { recursive: true });
  const clang = requireTool(TOOLS.clang);
  const lld = requireTool(TOOLS.lld);
  const obj = join(dir, "floor.o");
  const src = join(MACHINE_DIR, "stub");
  for (const [cmd, args] of [
    [clang, ["--target=x86_64-unknown-none-elf", "-c", join(src, "floor.S"), "-o", obj]],
    [lld, ["-nostdlib", "-static", "-T", join(src, "floor.ld"), "-o", elf, obj]],
  ] as const) {
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    if (r.status !== 0) throw new CrustError(`building the floor stub failed: ${r.stderr}`);
  }
  return elf;
}

/** KVM counts only if it boots a guest to the end; checked once per host. */
export function kvmWorks(): boolean {
  if (!existsSync("/dev/kvm")) return false;
  const qemu = requireTool(TOOLS.qemu);
  const version = spawnSync(qemu, ["--version"], { encoding: "utf8" }).stdout.split("\n")[0];
  const cache = join(tmpdir(), "crust-kvm-check.json");
  try {
    const c = JSON.parse(readFileSync(cache, "utf8"));
    if (c.version === version) return c.works === true;
  } catch {
    /* not checked yet */
  }
  const r = spawnSync(
    qemu,
    ["-M", "microvm", "-accel", "kvm", "-cpu", "host", "-m", "16M", "-nodefaults", "-display", "none",
     "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-kernel", floorStub()],
    { timeout: 5000, stdio: "ignore" },
  );
  const works = r.status === 3; // exit code 0 through isa-debug-exit
  writeFileSync(cache, JSON.stringify({ version, works }));
  return works;
}

export function chooseAccel(c: QemuConfig): "tcg" | "kvm" {
  if (c.accel === "kvm" && !kvmWorks()) throw new CrustError("KVM was asked for but does not run guests on this host");
  if (c.accel === "auto") return kvmWorks() ? "kvm" : "tcg";
  return c.accel;
}

/** Boot with the console on this terminal; resolves to the guest's exit code.
 *  Ctrl-C reaches QEMU (same process group), which stops the VM; crust then
 *  exits 130 like any program stopped by Ctrl-C. */
export function runInteractive(c: QemuConfig): Promise<number> {
  const qemu = requireTool(TOOLS.qemu);
  const args = qemuArgs(c, chooseAccel(c));
  return new Promise((resolve, reject) => {
    let interrupted = false;
    const onSigint = () => (interrupted = true);
    process.on("SIGINT", onSigint);
    const p = spawn(qemu, args, { stdio: ["inherit", "inherit", "pipe"] });
    // Asked to stop (not from the terminal): the VM goes with crust.
    const onTerminate = () => {
      p.kill("SIGKILL");
      process.exit(143);
    };
    process.on("SIGTERM", onTerminate);
    process.on("SIGHUP", onTerminate);
    let stderr = "";
    p.stderr.on("data", (d) => {
      stderr += d;
      process.stderr.write(d);
    });
    p.on("error", reject);
    p.on("close", (status, signal) => {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onTerminate);
      process.off("SIGHUP", onTerminate);
      if (interrupted || signal === "SIGINT") return resolve(130);
      const code = guestExitCode(status ?? 1);
      if (code === null) return reject(new CrustError(`QEMU failed (status ${status})${stderr ? "" : ": no message"}`));
      resolve(code);
    });
  });
}
