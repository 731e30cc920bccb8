// HTTP benchmark (figures and ratios, not pass/fail): Crust's http-hello
// against the peer a TypeScript user would otherwise deploy — Debian's Linux
// kernel running Node.js (bench/peer) — booted by the same QEMU with the same
// NIC (virtio-net, user networking), memory and accelerator, alternating in
// one run. Prints for both: QEMU start -> first HTTP response, requests/s
// with wrk (same connections and duration), the smallest -m that still
// serves, image bytes, and the ratios.
// Usage: npm run bench:http [-- RUNS]   (needs wrk: apt-get install wrk)
import { spawn, spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { request } from "node:http";
import { build } from "../tools/src/pipeline/pipeline.js";
import { resolveApp } from "../tools/src/project.js";
import { guestCommandLine, qemuArgs } from "../tools/src/run/qemu.js";
import { buildPeer, peerQemuArgs } from "./peer/build.js";
import { median, ms, table } from "./stats.js";

const RUNS = Number(process.argv[2] ?? 3);
const MEMORY = "256M";
const WRK = { threads: 1, connections: 16, seconds: 10 };
const FIRST_RESPONSE_LIMIT_MS = 60_000;

interface Guest {
  name: string;
  bytes: number;
  args: (memory: string, port: number) => string[];
}

function get(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    // A short timeout: QEMU's user networking accepts the connection before
    // the guest is up, and its SYN to the guest is not retried for seconds.
    const req = request({ host: "127.0.0.1", port, path: "/", timeout: 100 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

let nextPort = 18100;

/** Boot, poll until the first 200 answer; returns the VM and the time. */
async function bootToFirstResponse(g: Guest, memory: string) {
  const port = nextPort++;
  const t0 = performance.now();
  const vm = spawn("qemu-system-x86_64", g.args(memory, port), { stdio: "ignore" });
  let exited = false;
  vm.on("exit", () => (exited = true));
  while (!exited && performance.now() - t0 < FIRST_RESPONSE_LIMIT_MS) {
    if (await get(port)) return { vm, port, ms: performance.now() - t0 };
    await new Promise((r) => setTimeout(r, 10));
  }
  vm.kill("SIGKILL");
  return { vm, port, ms: null };
}

function wrk(port: number): number {
  const r = spawnSync("wrk", [`-t${WRK.threads}`, `-c${WRK.connections}`, `-d${WRK.seconds}s`, `http://127.0.0.1:${port}/`], {
    encoding: "utf8",
    timeout: (WRK.seconds + 30) * 1000,
  });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout ?? "");
  return m ? Number(m[1]) : 0;
}

/** Smallest power-of-two-ish -m (in MiB) that still answers, by bisection. */
async function smallestMemory(g: Guest, lo: number, hi: number): Promise<number> {
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const b = await bootToFirstResponse(g, `${mid}M`);
    b.vm.kill("SIGKILL");
    if (b.ms !== null) hi = mid;
    else lo = mid;
  }
  return hi;
}

async function main() {
  const built = await build(resolveApp("examples/http-hello"), { target: "qemu", debug: false, log: () => {} });
  const crust: Guest = {
    name: "Crust",
    bytes: statSync(built.image).size,
    args: (memory, port) =>
      qemuArgs(
        // The same static address the peer's /init configures.
        { image: built.image, machine: "microvm", memory, cmdline: guestCommandLine(["ip=10.0.2.15/24", "gw=10.0.2.2"], []), net: "user",
          ports: [{ host: port, guest: 80, proto: "tcp" }], rng: false, extra: [], accel: "tcg" },
        "tcg",
      ),
  };
  const peerFiles = await buildPeer();
  const peer: Guest = {
    name: "Linux+Node",
    bytes: peerFiles.bytes,
    args: (memory, port) => peerQemuArgs("microvm", memory, port),
  };
  const first = new Map<string, number[]>();
  const rps = new Map<string, number[]>();
  for (let i = 0; i < RUNS; i++) {
    for (const g of [crust, peer]) {
      const b = await bootToFirstResponse(g, MEMORY);
      if (b.ms !== null) {
        first.set(g.name, [...(first.get(g.name) ?? []), b.ms]);
        wrk(b.port); // the first run warms the peer's JIT: reported separately below
        rps.set(g.name, [...(rps.get(g.name) ?? []), wrk(b.port)]);
      }
      b.vm.kill("SIGKILL");
    }
  }
  const mem = new Map<string, number>([
    [crust.name, await smallestMemory(crust, 1, 64)],
    [peer.name, await smallestMemory(peer, 64, 512)],
  ]);
  const row = (g: Guest) => [
    g.name, g.bytes, ms(median(first.get(g.name) ?? [NaN])), Math.round(median(rps.get(g.name) ?? [NaN])), `${mem.get(g.name)}M`,
  ];
  console.log(`HTTP benchmark: QEMU TCG -M microvm, virtio-net + user networking, -m ${MEMORY}, ${RUNS} runs, medians`);
  console.log(`wrk -t${WRK.threads} -c${WRK.connections} -d${WRK.seconds}s, after one warm-up run of the same length\n`);
  console.log(table(["guest", "image bytes", "start->first response ms", "requests/s", "smallest -m"], [row(crust), row(peer)]));
  const c = (m: Map<string, number[]>) => median(m.get(crust.name) ?? [NaN]);
  const p = (m: Map<string, number[]>) => median(m.get(peer.name) ?? [NaN]);
  console.log(`\nratios (peer / Crust): first response ${(p(first) / c(first)).toFixed(1)}x faster, ` +
    `requests/s ${(c(rps) / p(rps)).toFixed(2)}x, memory ${(mem.get(peer.name)! / mem.get(crust.name)!).toFixed(0)}x less, ` +
    `image ${(peer.bytes / crust.bytes).toFixed(0)}x smaller`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
