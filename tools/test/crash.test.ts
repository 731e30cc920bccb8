// The crash paths: each kind of failure prints a report that names what went
// wrong and where, and ends the guest with its own exit code.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { consoleText, crust } from "./harness.js";

const EXIT_PANIC = 100;
const EXIT_WASM_TRAP = 101;
const EXIT_CPU_FAULT = 102;

const app = "test/apps/crash.ts";

describe("crash reports on qemu", () => {
  test("out-of-bounds load", async () => {
    const r = await crust(["run", app, "--", "oob"]);
    const out = consoleText(r);
    assert.equal(r.code, EXIT_WASM_TRAP, out);
    assert.match(out, /wasm trap: out-of-bounds memory/);
    assert.match(out, /backtrace:\n\s+[0-9a-f]{16} \S+\+0x/);
    assert.doesNotMatch(out, /survived/);
  });

  test("wasm unreachable", async () => {
    const r = await crust(["run", app, "--", "unreachable"]);
    const out = consoleText(r);
    assert.equal(r.code, EXIT_WASM_TRAP, out);
    assert.match(out, /wasm trap: unreachable executed/);
    assert.match(out, /kernel_run\+0x/);
  });

  test("CPU exception: stack overflow into the guard page", async () => {
    const r = await crust(["run", app, "--", "stack"]);
    const out = consoleText(r);
    assert.equal(r.code, EXIT_CPU_FAULT, out);
    assert.match(out, /CPU exception 14 \(#PF page fault\)/);
    assert.match(out, /fault address 0x[0-9a-f]+ \(write not mapped\)/);
    assert.match(out, /rip [0-9a-f]{16}/);
    assert.match(out, /test_apps_crash_deep\+0x/, "the backtrace names the function");
  });

  test("panic from a failed assertion", async () => {
    const r = await crust(["run", app, "--", "panic"]);
    const out = consoleText(r);
    assert.equal(r.code, EXIT_PANIC, out);
    assert.match(out, /panic: the impossible happened at test\/apps\/crash\.ts:\d+:\d+/);
    assert.match(out, /core_panic_abort\+0x/);
  });
});

describe("crash reports on node", () => {
  test("out-of-bounds load", async () => {
    const r = await crust(["run", app, "--target", "node", "--", "oob"]);
    assert.equal(r.code, EXIT_WASM_TRAP, r.stdout);
    assert.match(r.stdout, /wasm trap: memory access out of bounds/);
  });

  test("panic", async () => {
    const r = await crust(["run", app, "--target", "node", "--", "panic"]);
    assert.equal(r.code, EXIT_PANIC, r.stdout);
    assert.match(r.stdout, /panic: the impossible happened/);
  });
});
