// crust debug: gdb attached to QEMU's stub, stopped at the app's main with
// symbols for the wasm-compiled kernel and the machine layer alike.
import assert from "node:assert/strict";
import { test } from "node:test";
import { crust } from "./harness.js";

test("debug stops at the app's main with a symbolized stack", async () => {
  const r = await crust(["debug", "examples/hello", "--batch", "--gdb-ex", "bt", "--gdb-ex", "kill"]);
  const out = r.stdout + r.stderr;
  assert.match(out, /Breakpoint 1, .*w2c_examples_hello_index_main/);
  assert.match(out, /#\d+ .* in kernel_run \(\) at .*machine\/x86_64\/kernel\.c:\d+/);
  assert.match(out, /#\d+ .* in boot_main /);
});
