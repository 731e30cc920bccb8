// The host tools crust drives, and the Debian package that provides each, so
// that a missing one is reported as something to install, not a spawn error.
import { spawnSync } from "node:child_process";
import { CrustError } from "./errors.js";

export interface HostTool {
  command: string;
  debianPackage: string;
}

export const TOOLS = {
  wasm2c: { command: "wasm2c", debianPackage: "wabt" },
  clang: { command: "clang", debianPackage: "clang" },
  lld: { command: "ld.lld", debianPackage: "lld" },
  qemu: { command: "qemu-system-x86_64", debianPackage: "qemu-system-x86" },
  gdb: { command: "gdb", debianPackage: "gdb" },
} satisfies Record<string, HostTool>;

const found = new Map<string, boolean>();

/** The PATH can be overridden (tests use this to hide a tool). */
export function isInstalled(tool: HostTool): boolean {
  const key = `${process.env.PATH}\0${tool.command}`;
  if (!found.has(key)) {
    const r = spawnSync("sh", ["-c", `command -v "$0"`, tool.command], { stdio: "ignore" });
    found.set(key, r.status === 0);
  }
  return found.get(key)!;
}

export function requireTool(tool: HostTool): string {
  if (!isInstalled(tool)) {
    throw new CrustError(
      `${tool.command} not found`,
      1,
      `install it with: apt-get install ${tool.debianPackage}`,
    );
  }
  return tool.command;
}
