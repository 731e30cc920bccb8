// The CLI's answers to bad input and missing tools: one clear line, a hint,
// a non-zero exit code, never a stack trace.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { crust } from "./harness.js";

function assertUsageError(r: { code: number | null; stderr: string }, pattern: RegExp) {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, pattern);
  assert.match(r.stderr, /npx crust --help/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
}

test("unknown flag", async () => {
  assertUsageError(await crust(["run", "examples/hello", "--frobnicate"]), /unknown option --frobnicate/);
});

test("missing app folder", async () => {
  assertUsageError(await crust(["build", "examples/no-such-app"]), /app not found: examples\/no-such-app/);
});

test("no app at all", async () => {
  assertUsageError(await crust(["run"]), /run needs an app/);
});

test("bad memory sizes", async () => {
  assertUsageError(await crust(["run", "examples/hello", "-m", "lots"]), /bad memory size 'lots'/);
  assertUsageError(await crust(["run", "examples/hello", "-m", "1M"]), /too small/);
});

test("bad target and port forward", async () => {
  assertUsageError(await crust(["run", "examples/hello", "--target", "mars"]), /--target must be one of qemu, node/);
  assertUsageError(await crust(["run", "examples/hello", "-p", "80"]), /bad port forward '80'/);
});

test("bad xen mode, or a mode for another target", async () => {
  const wrong = await crust(["build", "examples/hello", "--target", "xen", "--mode", "hvm"]);
  assertUsageError(wrong, /--mode must be one of pv, pvh, not 'hvm'/);
  assert.equal(wrong.stderr.split("\n")[0], "crust: --mode must be one of pv, pvh, not 'hvm'", "one line");
  assertUsageError(await crust(["run", "examples/hello", "--mode", "pvh"]), /--mode is for the xen target/);
});

test("unknown command", async () => {
  assertUsageError(await crust(["launch", "examples/hello"]), /unknown command 'launch'/);
});

test("a missing tool is named with its Debian package", async () => {
  // A PATH with everything crust needs except wasm2c.
  const bin = mkdtempSync(join(tmpdir(), "crust-path-"));
  for (const t of ["sh", "clang", "ld.lld", "qemu-system-x86_64"]) {
    for (const dir of ["/usr/bin", "/bin"]) {
      try {
        symlinkSync(join(dir, t), join(bin, t));
        break;
      } catch {
        /* try the next folder */
      }
    }
  }
  const app = mkdtempSync(join(tmpdir(), "crust-app-"));
  writeFileSync(join(app, "index.ts"), `import { println } from "crust";\nexport function main(args: string[]): void { println("x"); }\n`);
  const r = await crust(["build", app], { env: { ...process.env, PATH: bin } });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /wasm2c not found/);
  assert.match(r.stderr, /apt-get install wabt/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("an app that does not compile shows asc's diagnostics with file:line", async () => {
  const app = mkdtempSync(join(tmpdir(), "crust-bad-"));
  mkdirSync(app, { recursive: true });
  writeFileSync(
    join(app, "index.ts"),
    `import { println } from "crust";\nexport function main(args: string[]): void {\n  const n: i32 = "not a number";\n  println(n.toString());\n}\n`,
  );
  const r = await crust(["build", app, "--target", "node"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /does not compile/);
  assert.match(r.stderr, /index\.ts\(3,/, "file and line of the error");
  assert.match(r.stderr, /TS2322|not assignable/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
