// Networking against real peers: curl through QEMU's user networking, and
// Linux's own stack (ping, TCP, dnsmasq's DHCP) over a TAP device in a
// network namespace made by the test. Every transfer is bounded in size and
// time, and goes only to addresses inside that namespace or to 127.0.0.1.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { CLI, REPO, freePort, startGroup, stop } from "./harness.js";
import { TestNet, waitForOutput } from "./netns.js";

const have = (app: string) => existsSync(join(REPO, app, "index.ts"));
const skipUnless = (...apps: string[]) => (apps.every(have) ? false : `${apps.join(", ")} not written yet`);

/** Boot an app with user networking and a forwarded port; resolve when it
 *  logs that it listens. */
async function bootForwarded(app: string, guestPort: number, flags: string[] = []) {
  const port = await freePort();
  const vm = startGroup(process.execPath, [CLI, "run", app, "-m", "32M", "-p", `${port}:${guestPort}`, ...flags]);
  await waitForOutput(vm, /listening/i, 120_000);
  return { vm, port };
}

async function curl(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn("curl", ["-sS", "--max-time", "10", ...args]);
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("close", (code) => resolve({ code, out }));
  });
}


describe("through QEMU user networking (curl)", () => {
  test("http-hello answers GET /", { skip: skipUnless("examples/http-hello") }, async () => {
    const { vm, port } = await bootForwarded("examples/http-hello", 80);
    try {
      const r = await curl(["-i", `http://127.0.0.1:${port}/`]);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /^HTTP\/1\.1 200 OK\r$/m);
      assert.match(r.out, /^Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r$/m);
      assert.match(r.out, /Hello from Crust!/);
      const keepAlive = await curl([`http://127.0.0.1:${port}/`, `http://127.0.0.1:${port}/`]);
      assert.equal((keepAlive.out.match(/Hello from Crust!/g) ?? []).length, 2, "two requests on one connection");
    } finally {
      stop(vm);
    }
  });

  test("static-site serves its embedded files", { skip: skipUnless("examples/static-site") }, async () => {
    const { vm, port } = await bootForwarded("examples/static-site", 80);
    try {
      const index = await curl(["-i", `http://127.0.0.1:${port}/`]);
      assert.match(index.out, /^HTTP\/1\.1 200 OK\r$/m);
      assert.match(index.out, /^Content-Type: text\/html; charset=utf-8\r$/im);
      const etag = /^ETag: (".*")\r$/im.exec(index.out)?.[1];
      assert.ok(etag, index.out);
      const again = await curl(["-i", "-H", `If-None-Match: ${etag}`, `http://127.0.0.1:${port}/`]);
      assert.match(again.out, /^HTTP\/1\.1 304 Not Modified\r$/m);
      const css = await curl(["-i", `http://127.0.0.1:${port}/style.css`]);
      assert.match(css.out, /^Content-Type: text\/css; charset=utf-8\r$/im);
      const missing = await curl(["-i", `http://127.0.0.1:${port}/no/such/page`]);
      assert.match(missing.out, /^HTTP\/1\.1 404 Not Found\r$/m);
    } finally {
      stop(vm);
    }
  });

  test("echo answers on TCP port 7", { skip: skipUnless("examples/echo") }, async () => {
    const { vm, port } = await bootForwarded("examples/echo", 7);
    try {
      const { Socket } = await import("node:net");
      const reply = await new Promise<string>((resolve, reject) => {
        const s = new Socket();
        let got = "";
        s.setTimeout(10_000, () => reject(new Error("echo timed out")));
        s.connect(port, "127.0.0.1", () => s.end("ping over tcp\n"));
        s.on("data", (d) => (got += d));
        s.on("close", () => resolve(got));
        s.on("error", reject);
      });
      assert.equal(reply, "ping over tcp\n");
    } finally {
      stop(vm);
    }
  });
});

/** A client in the namespace: send `bytes` pseudo-random bytes to the echo
 *  port, read them back, compare hashes. Both directions carry them. */
function echoTransfer(net: TestNet, ip: string, bytes: number): { sent: string; received: string; ms: number } {
  const script = join(mkdtempSync(join(tmpdir(), "crust-echo-")), "client.mjs");
  writeFileSync(
    script,
    `import { Socket } from "node:net";
import { createHash, randomBytes } from "node:crypto";
const total = ${bytes};
const data = randomBytes(total);
const sent = createHash("sha256").update(data).digest("hex");
const got = createHash("sha256");
let n = 0;
const t0 = Date.now();
const s = new Socket();
s.setTimeout(120000, () => { console.error("timeout after " + n + " bytes"); process.exit(2); });
s.connect(7, "${ip}", () => { s.write(data); });
s.on("data", (d) => { got.update(d); n += d.length; if (n >= total) s.end(); });
s.on("close", () => { console.log(JSON.stringify({ sent, received: got.digest("hex"), n, ms: Date.now() - t0 })); });
s.on("error", (e) => { console.error(String(e)); process.exit(1); });
`,
  );
  const out = net.exec(process.execPath, script);
  const r = JSON.parse(out.trim().split("\n").pop()!);
  return { sent: r.sent, received: r.received, ms: r.ms };
}

describe("over a TAP device in a network namespace (Linux peer)", () => {
  const nets: TestNet[] = [];
  after(() => nets.forEach((n) => n.close()));

  for (const [i, target] of [[1, "qemu"], [2, "node"]] as const) {
    test(`${target}: ping, and 10 MB each way through TCP echo, byte-exact`, { skip: skipUnless("examples/echo") }, async () => {
      const net = new TestNet(i);
      nets.push(net);
      const vm = net.crust("examples/echo", ["--target", target, "-m", "64M", "-k", `ip=${net.guestIp}/24`]);
      await waitForOutput(vm, /listening/i, 120_000);
      const ping = net.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", net.guestIp);
      assert.match(ping, /3 received/);
      const r = echoTransfer(net, net.guestIp, 10 * 1024 * 1024);
      assert.equal(r.received, r.sent, "echoed bytes equal sent bytes");
      console.log(`# ${target}: 10 MiB echoed in ${r.ms} ms`);
    });
  }

  test("node: transfers stay byte-exact through loss, duplication and reordering", { skip: skipUnless("examples/echo") }, async () => {
    const net = new TestNet(3);
    nets.push(net);
    const vm = net.crust("examples/echo", ["--target", "node", "--impair", "loss=3,dup=2,reorder=5", "-k", `ip=${net.guestIp}/24`]);
    await waitForOutput(vm, /listening/i, 120_000);
    const r = echoTransfer(net, net.guestIp, 2 * 1024 * 1024);
    assert.equal(r.received, r.sent);
  });

  test("qemu: DHCP lease from dnsmasq", { skip: skipUnless("examples/echo") }, async () => {
    const net = new TestNet(4);
    nets.push(net);
    const dir = mkdtempSync(join(tmpdir(), "crust-dnsmasq-"));
    const dnsmasq = net.start("dnsmasq", [
      "--no-daemon", "--conf-file=/dev/null", "--port=0", `--interface=${net.tap}`, "--bind-interfaces",
      "--dhcp-range=10.77.4.50,10.77.4.59,2m", `--dhcp-leasefile=${join(dir, "leases")}`, "--log-dhcp",
    ]);
    let dlog = "";
    dnsmasq.stderr!.on("data", (d) => (dlog += d));
    const vm = net.crust("examples/echo", ["-m", "64M"]);
    await waitForOutput(vm, /listening/i, 120_000);
    const ackRe = /DHCPACK\(\S+\) (10\.77\.4\.5\d)/;
    for (let i = 0; i < 300 && !ackRe.test(dlog); i++) await new Promise((r) => setTimeout(r, 100));
    const leased = ackRe.exec(dlog);
    assert.ok(leased, `dnsmasq acknowledged a lease:\n${dlog}`);
    const ping = net.exec("ping", "-c", "2", "-i", "0.2", "-W", "2", leased[1]);
    assert.match(ping, /2 received/);
  });
});
