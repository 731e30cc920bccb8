// Boot tests: every example is built and booted for real, under QEMU TCG on
// both machine types and in Node, and its console output and exit code are
// checked.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { consoleText, crust, REPO } from "./harness.js";

interface Case {
  app: string;
  args: string[];
  code: number;
  expect: RegExp[];
  memory?: string;
}

const cases: Case[] = [
  { app: "examples/hello", args: [], code: 0, memory: "8M",
    expect: [/^Hello from Crust!$/m, /^woke after (\d+)\.\d{3} ms$/m] },
  { app: "examples/calc", args: ["2*(3+4)"], code: 0, expect: [/^2\*\(3\+4\) = 14$/m] },
  { app: "examples/calc", args: ["-1.5 + 10 % 4"], code: 0, expect: [/^-1\.5 \+ 10 % 4 = 0\.5$/m] },
  { app: "examples/calc", args: ["2*(3+"], code: 1, expect: [/error: .*position/i] },
  { app: "examples/stress", args: ["1"], code: 0, expect: [/heap/i] },
];

const targets = [
  { name: "qemu microvm", flags: ["--machine", "microvm"] },
  { name: "qemu q35", flags: ["--machine", "q35"] },
  { name: "node", flags: ["--target", "node"] },
];

for (const t of targets) {
  describe(`boot on ${t.name}`, () => {
    for (const c of cases) {
      const present = existsSync(join(REPO, c.app, "index.ts"));
      test(`${c.app} ${c.args.join(" ")}`, { skip: present ? false : `${c.app} not written yet` }, async () => {
        const mem = c.memory && t.name !== "node" ? ["-m", c.memory] : [];
        const r = await crust(["run", c.app, ...t.flags, ...mem, "--", ...c.args]);
        const out = consoleText(r);
        assert.equal(r.code, c.code, `exit code\n${out}\n${r.stderr}`);
        for (const e of c.expect) assert.match(out, e);
        const woke = /^woke after (\d+)\./m.exec(out);
        if (woke) assert.ok(Number(woke[1]) >= 100, "a 100 ms timer never fires early");
      });
    }
  });
}
