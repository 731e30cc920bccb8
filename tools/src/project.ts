// Where things are: the Crust checkout, an app, and its build folder.
import { existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "./errors.js";

/** The checkout this crust runs from: the nearest folder above this file
 *  with the kernel in it (the compiled CLI may sit at various depths). */
export const REPO = findRepo(dirname(fileURLToPath(import.meta.url)));

function findRepo(dir: string): string {
  for (let d = dir; d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, "kernel/boundary.ts")) && existsSync(join(d, "package.json"))) return d;
  }
  throw new Error(`crust: cannot find the Crust checkout above ${dir}`);
}
export const KERNEL_DIR = join(REPO, "kernel");
export const TARGETS_DIR = join(REPO, "targets");
export const MACHINE_DIR = join(REPO, "machine/x86_64");

export const TARGETS = ["qemu", "node", "xen"] as const;
export type Target = (typeof TARGETS)[number];

export interface App {
  /** The app's entry module (index.ts of an app folder, or a single .ts file). */
  entry: string;
  /** Its name, for messages and build folders. */
  name: string;
  /** Folders whose files are inputs of the build. */
  sourceDirs: string[];
  /** <app>/build/<target>, or <dir>/build/<file>/<target> for a one-file app. */
  buildDir(target: Target): string;
}

export function resolveApp(path: string): App {
  const full = resolve(path);
  if (!existsSync(full)) throw new UsageError(`app not found: ${path}`);
  if (statSync(full).isDirectory()) {
    const entry = join(full, "index.ts");
    if (!existsSync(entry)) throw new UsageError(`${path} has no index.ts: an app folder needs one`);
    return { entry, name: basename(full), sourceDirs: [full], buildDir: (t) => join(full, "build", t) };
  }
  if (!full.endsWith(".ts")) throw new UsageError(`an app is a folder with index.ts or a .ts file: ${path}`);
  const name = basename(full, ".ts");
  const dir = dirname(full);
  return { entry: full, name, sourceDirs: [dir], buildDir: (t) => join(dir, "build", name, t) };
}
