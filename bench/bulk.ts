// TCP bulk throughput (figures and ratios, not pass/fail): bytes to and from
// Crust (bench/apps/bulk) and to and from the Linux + Node.js peer
// (bench/peer, same ports), each booted by the same QEMU with the same NIC
// (virtio-net, user networking), memory and accelerator, alternating.
//   to guest:   the host writes TO_GUEST_BYTES to port 9 (discard) and closes;
//               timed from connect until the guest's FIN arrives
//   from guest: the host reads port 19 (source) until FIN: SOURCE_BYTES
// Usage: npm run bench:bulk [-- RUNS]
import { spawn, type ChildProcess } from "node:child_process";
import { Socket } from "node:net";
import { build } from "../tools/src/pipeline/pipeline.js";
import { resolveApp } from "../tools/src/project.js";
import { guestCommandLine, qemuArgs } from "../tools/src/run/qemu.js";
import { buildPeer, peerQemuArgs, SOURCE_BYTES } from "./peer/build.js";
import { median, table } from "./stats.js";

const RUNS = Number(process.argv[2] ?? 3);
const MEMORY = "256M";
const TO_GUEST_BYTES = 32 << 20;
const BOOT_LIMIT_MS = 60_000;
const TRANSFER_LIMIT_MS = 120_000;

interface Guest {
  name: string;
  boot(ports: { http: number; discard: number; source: number }): ChildProcess;
}

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = new Socket();
    s.once("connect", () => resolve(s));
    s.once("error", reject);
    s.connect(port, "127.0.0.1");
  });
}

/** Wait until the guest serves its source port. Only data proves it: QEMU's
 *  user networking accepts a forwarded connection before the guest does,
 *  and closes it if the guest refuses. */
async function ready(port: number): Promise<void> {
  const t0 = performance.now();
  while (performance.now() - t0 < BOOT_LIMIT_MS) {
    try {
      const s = await connect(port);
      const served = await new Promise<boolean>((resolve) => {
        s.once("data", () => resolve(true));
        s.once("close", () => resolve(false));
        s.once("error", () => resolve(false));
        setTimeout(() => resolve(false), 1000);
      });
      s.destroy();
      if (served) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the guest never served its source port");
}

function timed<T>(work: (done: (v: T) => void, fail: (e: Error) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("transfer timed out")), TRANSFER_LIMIT_MS);
    work((v) => (clearTimeout(t), resolve(v)), (e) => (clearTimeout(t), reject(e)));
  });
}

/** MB/s writing TO_GUEST_BYTES to the discard port. */
async function toGuest(port: number): Promise<number> {
  const chunk = Buffer.alloc(64 << 10, 0x42);
  const t0 = performance.now();
  const s = await connect(port);
  await timed<void>((done, fail) => {
    let sent = 0;
    s.on("error", fail);
    s.on("close", () => done());
    const fill = () => {
      while (sent < TO_GUEST_BYTES) {
        sent += chunk.length;
        if (!s.write(chunk)) return;
      }
      s.end();
    };
    s.on("drain", fill);
    fill();
  });
  return TO_GUEST_BYTES / 1e6 / ((performance.now() - t0) / 1000);
}

/** MB/s reading the source port to its end. */
async function fromGuest(port: number): Promise<number> {
  const t0 = performance.now();
  const s = await connect(port);
  const got = await timed<number>((done, fail) => {
    let n = 0;
    s.on("data", (d) => (n += d.length));
    s.on("error", fail);
    s.on("end", () => done(n));
  });
  s.destroy();
  if (got !== SOURCE_BYTES) throw new Error(`source sent ${got} bytes, not ${SOURCE_BYTES}`);
  return got / 1e6 / ((performance.now() - t0) / 1000);
}

let nextPort = 18700;

async function measure(g: Guest, to: Map<string, number[]>, from: Map<string, number[]>) {
  const ports = { http: nextPort++, discard: nextPort++, source: nextPort++ };
  const vm = g.boot(ports);
  try {
    await ready(ports.source);
    to.set(g.name, [...(to.get(g.name) ?? []), await toGuest(ports.discard)]);
    from.set(g.name, [...(from.get(g.name) ?? []), await fromGuest(ports.source)]);
  } catch (e) {
    console.error(`${g.name}: run failed: ${(e as Error).message}`);
  } finally {
    vm.kill("SIGKILL");
  }
}

async function main() {
  const built = await build(resolveApp("bench/apps/bulk"), { target: "qemu", debug: false, log: () => {} });
  const crust: Guest = {
    name: "Crust",
    boot: (p) =>
      spawn("qemu-system-x86_64", qemuArgs({
        image: built.image, machine: "microvm", memory: MEMORY, cmdline: guestCommandLine([], []), net: "user",
        ports: [{ host: p.discard, guest: 9, proto: "tcp" }, { host: p.source, guest: 19, proto: "tcp" }],
        rng: false, extra: [], accel: "tcg",
      }, "tcg"), { stdio: "ignore" }),
  };
  await buildPeer();
  const peer: Guest = {
    name: "Linux+Node",
    boot: (p) => spawn("qemu-system-x86_64", peerQemuArgs("microvm", MEMORY, p.http, "tcg", [[p.discard, 9], [p.source, 19]]), { stdio: "ignore" }),
  };
  const to = new Map<string, number[]>();
  const from = new Map<string, number[]>();
  for (let i = 0; i < RUNS; i++) for (const g of [crust, peer]) await measure(g, to, from);
  const fig = (m: Map<string, number[]>, g: Guest) => (m.has(g.name) ? median(m.get(g.name)!).toFixed(1) : "failed");
  const row = (g: Guest) => [g.name, fig(to, g), fig(from, g)];
  console.log(`TCP bulk throughput: QEMU TCG -M microvm, virtio-net + user networking, -m ${MEMORY}, ${RUNS} runs, medians`);
  console.log(`${TO_GUEST_BYTES >> 20} MiB to the guest's discard port, ${SOURCE_BYTES >> 20} MiB from its source port\n`);
  console.log(table(["guest", "to guest MB/s", "from guest MB/s"], [row(crust), row(peer)]));
  const ratio = (m: Map<string, number[]>) =>
    m.has(crust.name) && m.has(peer.name) ? (median(m.get(crust.name)!) / median(m.get(peer.name)!)).toFixed(2) : "-";
  console.log(`\nratios (Crust / peer): to guest ${ratio(to)}x, from guest ${ratio(from)}x`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
