// Boot benchmark (figures, not pass/fail): image size of each example and its
// boot time under QEMU TCG, beside QEMU booting a stub that exits at once —
// the VMM's own floor — measured in the same run, alternating.
//   host view:  QEMU spawn -> the app's first console line
//   guest view: TSC at the PVH entry -> the app's main (kernel log, log=debug)
// Usage: npm run bench:boot [-- RUNS]
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "../tools/src/pipeline/pipeline.js";
import { REPO, resolveApp } from "../tools/src/project.js";
import { floorStub, guestCommandLine, qemuArgs, type Machine, type QemuConfig } from "../tools/src/run/qemu.js";
import { median, ms, table } from "./stats.js";

const RUNS = Number(process.argv[2] ?? 7);
const EXAMPLES: [string, string[]][] = [
  ["examples/hello", []],
  ["examples/calc", ["2*(3+4)"]],
  ["examples/stress", ["1"]],
];

interface Boot {
  hostMs: number;
  guestMs: number | null;
}

/** Spawn QEMU; resolve at the first console line that is not a kernel log
 *  line (the stub prints one too), then stop QEMU. */
function boot(config: QemuConfig): Promise<Boot> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn("qemu-system-x86_64", qemuArgs(config, "tcg"), { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    let done = false;
    const finish = (hostMs: number) => {
      if (done) return;
      done = true;
      const g = /main reached ([\d.]+) ms after entry/.exec(out);
      resolve({ hostMs, guestMs: g ? Number(g[1]) : null });
      p.kill("SIGKILL");
    };
    p.stdout.on("data", (d) => {
      out += d;
      const lines = out.replace(/\r/g, "").split("\n").slice(0, -1);
      if (lines.some((l) => l.length > 0 && !l.startsWith("["))) finish(performance.now() - t0);
    });
    p.on("error", reject);
    p.on("close", () => finish(performance.now() - t0));
  });
}

function config(image: string, machine: Machine, args: string[]): QemuConfig {
  return {
    image, machine, memory: "16M", cmdline: guestCommandLine(["log=debug"], args),
    net: "none", ports: [], rng: false, extra: [], accel: "tcg",
  };
}

async function main() {
  const images = [];
  for (const [dir, args] of EXAMPLES.filter(([d]) => existsSync(join(REPO, d, "index.ts")))) {
    const built = await build(resolveApp(dir), { target: "qemu", debug: false, log: () => {} });
    images.push({ dir, args, image: built.image, bytes: statSync(built.image).size });
  }
  const stub = floorStub();
  console.log(`boot benchmark: QEMU TCG, -m 16M, ${RUNS} runs each, medians (ms)\n`);
  for (const machine of ["microvm", "q35"] as Machine[]) {
    const floor: number[] = [];
    const host = new Map<string, number[]>();
    const guest = new Map<string, number[]>();
    for (let i = 0; i < RUNS; i++) {
      floor.push((await boot(config(stub, machine, []))).hostMs);
      for (const im of images) {
        const b = await boot(config(im.image, machine, im.args));
        host.set(im.dir, [...(host.get(im.dir) ?? []), b.hostMs]);
        if (b.guestMs !== null) guest.set(im.dir, [...(guest.get(im.dir) ?? []), b.guestMs]);
      }
    }
    const f = median(floor);
    const rows = images.map((im) => {
      const h = median(host.get(im.dir)!);
      const g = guest.get(im.dir);
      return [im.dir, im.bytes, ms(h), ms(f), ms(h - f), g ? ms(median(g)) : "-"];
    });
    console.log(`-M ${machine}`);
    console.log(table(["example", "image bytes", "first line", "VMM floor", "overhead", "guest entry->main"], rows));
    console.log("");
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
