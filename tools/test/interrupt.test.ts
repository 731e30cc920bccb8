// Ctrl-C: the terminal sends SIGINT to the whole foreground process group
// (crust and QEMU); the VM stops and crust exits 130 like any interrupted
// program, leaving no QEMU behind.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { test } from "node:test";
import { CLI, REPO } from "./harness.js";

test("Ctrl-C stops the VM and crust exits 130", async () => {
  spawnSync(process.execPath, [CLI, "build", "test/apps/forever.ts"], { cwd: REPO });
  const p = spawn(process.execPath, [CLI, "run", "test/apps/forever.ts"], {
    cwd: REPO,
    detached: true, // its own process group, like a shell job
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  await new Promise<void>((resolve) => {
    p.stdout.on("data", (d) => {
      out += d;
      if (out.includes("running")) resolve();
    });
  });
  process.kill(-p.pid!, "SIGINT");
  const code = await new Promise<number | null>((resolve) => {
    const t = setTimeout(() => {
      process.kill(-p.pid!, "SIGKILL");
      resolve(null);
    }, 10_000);
    p.on("close", (c) => {
      clearTimeout(t);
      resolve(c);
    });
  });
  assert.equal(code, 130);
  // No process of the group survives (QEMU included).
  assert.throws(() => process.kill(-p.pid!, 0));
});
