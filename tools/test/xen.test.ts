// The xen target in real Xen: Xen 4.17 and a Debian dom0 nested under QEMU
// TCG (the rig, tools/src/xen/rig.ts) run the PV images with xl. One rig boot
// runs all the guests of the first test, one after another, because a boot
// costs about a minute; the second test goes through `crust run` as a user
// would. The rig is built on first use (a few minutes, as root), then cached.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { buildDir, type XenMode } from "../src/pipeline/pipeline.js";
import { resolveApp } from "../src/project.js";
import { rigDir } from "../src/xen/rig.js";
import { runGuests, type XenGuest } from "../src/xen/run.js";
import { consoleText, crust, REPO } from "./harness.js";

const EXIT_PANIC = 100;
const EXIT_WASM_TRAP = 101;
const EXIT_CPU_FAULT = 102;

const rigReady = existsSync(join(rigDir(), "VERSION"));
const skip = !rigReady && process.getuid?.() !== 0 ? "the Xen rig is not built and building it needs root" : false;

async function buildXen(app: string, mode: XenMode = "pv"): Promise<string> {
  const r = await crust(["build", app, "--target", "xen", "--mode", mode]);
  assert.equal(r.code, 0, r.stderr);
  const dir = buildDir(resolveApp(join(REPO, app)), "xen", mode);
  assert.ok(existsSync(join(dir, "crust.xl")), "crust.xl is written beside the image");
  return join(dir, "crust.elf");
}

/** test/apps/console-burst.ts's 2500 lines, consecutive and in order. */
function burstLines(): RegExp {
  const lines = Array.from({ length: 2500 }, (_, i) => `burst ${String(i).padStart(4, "0")} \\.{28}`);
  return new RegExp(`^${lines.join("\\n")}\\nburst: done$`, "m");
}

interface Case {
  app: string;
  args: string;
  /** Kernel options before the --. */
  kernel?: string;
  afterOutput?: string;
  network?: boolean;
  expect: RegExp[];
  reason: string;
  /** null: the guest left no exit code (Xen crashed the domain). */
  code: number | null;
  /** What the vCPU report (xenctx, for a crash without an exit code) must show. */
  vcpu?: RegExp[];
  /** Built and run as a PVH domain (--mode pvh) instead of PV. */
  mode?: XenMode;
}

const cases: Case[] = [
  { app: "examples/calc", args: "'2*(3+4)'", reason: "poweroff", code: 0, expect: [/^2\*\(3\+4\) = 14$/m] },
  // Any exit code but 0 is a crash for the toolstack; the code is in xenstore.
  { app: "examples/calc", args: "'2*(3+'", reason: "crash", code: 1, expect: [/error: .*position/i] },
  // The linear memory grows (mapped on demand: xen/memory.c) and shrinks back.
  { app: "examples/stress", args: "1", reason: "poweroff", code: 0, expect: [/^stress: OK/m] },
  // A guest that never ends on its own stops when the toolstack asks.
  { app: "test/apps/forever.ts", args: "", afterOutput: "xl shutdown $name", reason: "poweroff", code: 0,
    expect: [/^running$/m, /info xen: the toolstack asks for poweroff$/m] },
  // netfront: dom0 pings the guest over its bridge, then talks to the echo
  // service over TCP (busybox's ping and nc, in dom0).
  { app: "examples/echo", args: "", kernel: "ip=169.254.1.2/16", network: true, reason: "poweroff", code: 0,
    afterOutput: [
      "for i in $(seq 1 20); do busybox ping -c 1 -W 1 169.254.1.2 >/dev/null 2>&1 && break; done",
      "busybox ping -c 3 -W 2 169.254.1.2",
      "echo hello-tcp | timeout 5 busybox nc 169.254.1.2 7",
      "xl shutdown $name",
    ].join("\n"),
    expect: [/info xen: vif 0: netfront connected to domain 0, MAC 00:16:3e(:[0-9a-f]{2}){3}$/m,
      /^dom0> 3 packets transmitted, 3 packets received/m, /^dom0> hello-tcp$/m] },
  // http-hello on netfront answers an HTTP request from dom0 across the bridge.
  { app: "examples/http-hello", args: "", kernel: "ip=169.254.1.3/16", network: true, reason: "poweroff", code: 0,
    afterOutput: [
      "for i in $(seq 1 20); do busybox ping -c 1 -W 1 169.254.1.3 >/dev/null 2>&1 && break; done",
      "timeout 10 busybox wget -q -O - http://169.254.1.3/",
      "xl shutdown $name",
    ].join("\n"),
    expect: [/^http-hello: listening on port 80$/m, /^dom0> Hello from Crust!$/m] },
  // Out of bounds of the linear memory: its unmapped guard window faults.
  { app: "test/apps/crash.ts", args: "oob", reason: "crash", code: EXIT_WASM_TRAP,
    expect: [/wasm trap: out-of-bounds memory access/, /backtrace:\n\s+[0-9a-f]{16} \S+\+0x/] },
  { app: "test/apps/crash.ts", args: "unreachable", reason: "crash", code: EXIT_WASM_TRAP,
    expect: [/wasm trap: unreachable executed/, /backtrace:\n\s+[0-9a-f]{16} \S+\+0x/, /kernel_run\+0x/] },
  { app: "test/apps/crash.ts", args: "panic", reason: "crash", code: EXIT_PANIC,
    expect: [/panic: the impossible happened at test\/apps\/crash\.ts:\d+:\d+/, /core_panic_abort\+0x/] },
  // A stack overflow: a PV guest has no IST, so Xen finds no stack to push the
  // page fault's frame on and crashes the domain itself; crash.c never runs.
  // dom0's xenctx shows the vCPU, with names from crust.debug.elf.
  { app: "test/apps/crash.ts", args: "stack", reason: "crash", code: null, expect: [/^crash: stack$/m],
    vcpu: [/^rip: [0-9a-f]{16} w2c_test_apps_crash_deep\+0x/m, /^rsp: [0-9a-f]{16}$/m,
      /^Call Trace:\n.*\n(.*\[<[0-9a-f]{16}>\] w2c_test_apps_crash_deep\+0x[0-9a-f]+\n){3}/m] },
  { app: "examples/hello", args: "", reason: "poweroff", code: 0,
    expect: [/^Hello from Crust!$/m, /^woke after (\d+)\.\d{3} ms$/m,
      /info xen: domain crust-hello-\d+ \(id \d+\)$/m] }, // read from xenstore by targets/xen
  // The console driver: held text drained in order, waiting for dom0 when it
  // holds too much, flushed when the loop ends.
  { app: "test/apps/console-burst.ts", args: "", reason: "poweroff", code: 0, expect: [burstLines()] },
  // The xenstore client against xenstored: transactions (commit, abort), directory.
  { app: "test/apps/xenstore.ts", args: "", reason: "poweroff", code: 0,
    expect: [/^xenstore: data\/crust-test: kept,other$/m, /^xenstore: ok$/m] },
];
// ---- Xen PVH (crust build --target xen --mode pvh) ----
// The same apps as PVH domains, in the same rig boot: the PVH boot of the
// qemu target with the Xen services of PV (machine/x86_64/xen/pvh).
const pvhCases: Case[] = [
  { app: "examples/hello", mode: "pvh", args: "", reason: "poweroff", code: 0,
    expect: [/^Hello from Crust!$/m, /^woke after (\d+)\.\d{3} ms$/m, /info xen: domain crust-hello-\d+ \(id \d+\)$/m] },
  { app: "examples/calc", mode: "pvh", args: "'2*(3+4)'", reason: "poweroff", code: 0, expect: [/^2\*\(3\+4\) = 14$/m] },
  { app: "examples/calc", mode: "pvh", args: "'2*(3+'", reason: "crash", code: 1, expect: [/error: .*position/i] },
  // The linear memory grows page by page in pvh/paging.c's window.
  { app: "examples/stress", mode: "pvh", args: "1", reason: "poweroff", code: 0, expect: [/^stress: OK/m] },
  { app: "test/apps/crash.ts", mode: "pvh", args: "oob", reason: "crash", code: EXIT_WASM_TRAP,
    expect: [/wasm trap: out-of-bounds memory access/, /backtrace:\n\s+[0-9a-f]{16} \S+\+0x/] },
  // Unlike PV, a PVH domain has its own IDT, with an IST stack for
  // exceptions: a stack overflow into the guard page is reported.
  { app: "test/apps/crash.ts", mode: "pvh", args: "stack", reason: "crash", code: EXIT_CPU_FAULT,
    expect: [/CPU exception 14 \(#PF page fault\)/, /backtrace:\n\s+[0-9a-f]{16} test_apps_crash_deep\+0x/] },
  // netfront under PVH: grants name guest frames (no P2M).
  { app: "examples/http-hello", mode: "pvh", args: "", kernel: "ip=169.254.1.4/16", network: true, reason: "poweroff", code: 0,
    afterOutput: [
      "for i in $(seq 1 20); do busybox ping -c 1 -W 1 169.254.1.4 >/dev/null 2>&1 && break; done",
      "timeout 10 busybox wget -q -O - http://169.254.1.4/",
      "xl shutdown $name",
    ].join("\n"),
    expect: [/^http-hello: listening on port 80$/m, /^dom0> Hello from Crust!$/m] },
];
// ---- end of Xen PVH ----

const present = [...cases, ...pvhCases].filter((c) => existsSync(join(REPO, c.app)));

describe("xen target", { skip }, () => {
  test("hello, calc, xl shutdown, netfront (echo, HTTP) and crashes as PV and PVH guests: console, shutdown reason, exit code", { timeout: 900_000 }, async () => {
    const images = new Map<string, string>();
    const key = (c: Case) => `${c.app} ${c.mode ?? "pv"}`;
    for (const c of present) if (!images.has(key(c))) images.set(key(c), await buildXen(c.app, c.mode));
    const guests: XenGuest[] = present.map((c) => ({
      image: images.get(key(c))!, mode: c.mode, name: resolveApp(join(REPO, c.app)).name, memoryMiB: 32,
      cmdline: `${c.kernel ?? ""} -- ${c.args}`, afterOutput: c.afterOutput, network: c.network,
    }));
    const t0 = performance.now();
    const results = await runGuests(guests, { timeoutMs: 600_000 });
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    const first = results.map((r) => r.firstOutputS).join(", ");
    process.stderr.write(`xen rig: ${guests.length} guests in ${seconds} s; xl create -> first console output: ${first} s\n`);
    present.forEach((c, i) => {
      const r = results[i];
      const what = `${c.app} ${c.args}${c.mode === "pvh" ? " (PVH)" : ""}`;
      for (const e of c.expect) assert.match(r.console, e, `${what}:\n${r.console}`);
      assert.deepEqual([r.reason, r.code], [c.reason, c.code], `${what}: shutdown reason and exit code`);
      assert.equal(r.vcpuReport !== null, c.vcpu !== undefined, `${what}: a vCPU report only for a crash without an exit code`);
      for (const e of c.vcpu ?? []) assert.match(r.vcpuReport!, e, `${what}: vCPU report:\n${r.vcpuReport}\nXen:\n${r.xenLog}`);
      const woke = /^woke after (\d+)\./m.exec(r.console);
      if (woke) assert.ok(Number(woke[1]) >= 100, "a 100 ms timer never fires early");
      // A clock that only moves when Xen refreshes its time info (about once a
      // second) wakes the 100 ms timer after a second.
      if (woke) assert.ok(Number(woke[1]) < 900, `the clock moves between Xen's time updates:\n${r.console}`);
    });
  });

  test("crust run --target xen shows the console, exits with the guest's code, and reports a crash Xen caused", { timeout: 900_000 }, async () => {
    const r = await crust(["run", "test/apps/crash.ts", "--target", "xen", "-m", "32M", "--", "stack"], { timeoutMs: 600_000 });
    const out = consoleText(r);
    // No exit code in xenstore: a crash is exit code 1.
    assert.equal(r.code, 1, `${out}\n${r.stderr}`);
    assert.match(out, /^crash: stack$/m);
    assert.doesNotMatch(out, /^\(XEN\)/m, "only the guest's console reaches stdout");
    assert.match(r.stderr, /domain shut down: crash/);
    assert.match(r.stderr, /Domain \d+ \(vcpu#0\) crashed/, "Xen's own lines");
    assert.match(r.stderr, /vCPU as Xen left it[^]*rip: [0-9a-f]{16} w2c_test_apps_crash_deep\+0x/, "the vCPU report names the function");
  });
});
