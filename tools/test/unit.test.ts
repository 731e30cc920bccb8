// Unit tests of kernel modules: each file under test/unit is an AssemblyScript
// app whose main() asserts; it is built for the node target (the same wasm
// the VM runs) and passes when it exits 0.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { listFiles } from "../src/pipeline/steps.js";
import { crust, REPO } from "./harness.js";

const unitDir = join(REPO, "test/unit");
const files = existsSync(unitDir) ? listFiles(unitDir).filter((f) => f.endsWith(".ts")) : [];

for (const f of files) {
  const name = relative(REPO, f);
  test(name, async () => {
    const r = await crust(["run", name, "--target", "node"]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  });
}
