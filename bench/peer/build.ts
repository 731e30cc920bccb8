// The benchmark peer: Debian 12's stock kernel booting an initramfs whose only
// process is Debian's Node.js serving the same HTTP response as Crust's
// http-hello example, booted by the same QEMU (see bench/peer/README.md).
// Everything comes from Debian packages (apt-get download + dpkg-deb -x) and
// is built into a cache folder outside the repo, only when missing:
//   vmlinux-<kernel pkg>_<version>   the uncompressed ELF out of vmlinuz, so
//                                   QEMU enters it through its PVH note
//   initrd-<key>.lz4                 cpio newc (written here), lz4 legacy
//   vmlinux, initrd.lz4              links to the current pair
// Usage:
//   node bench/dist/bench/peer/build.js                 build (or find) it
//   node bench/dist/bench/peer/build.js check [RUNS] [--machine microvm|q35]
//        [--memory 256M] [--port 18080] [--accel tcg|kvm]
//                                   boot it RUNS times: QEMU start -> first
//                                   HTTP response (curl every 50 ms), medians
import { spawn, spawnSync, type SpawnSyncOptions } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync,
  renameSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, join, posix } from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { CrustError } from "../../tools/src/errors.js";
import { REPO } from "../../tools/src/project.js";
import { requireTool, TOOLS, type HostTool } from "../../tools/src/tools.js";

/** Host tools the builder and the check use, with the Debian package of each. */
export const PEER_TOOLS = {
  aptGet: { command: "apt-get", debianPackage: "apt" },
  aptCache: { command: "apt-cache", debianPackage: "apt" },
  dpkg: { command: "dpkg", debianPackage: "dpkg" },
  dpkgDeb: { command: "dpkg-deb", debianPackage: "dpkg" },
  xz: { command: "xz", debianPackage: "xz-utils" },
  zstd: { command: "zstd", debianPackage: "zstd" },
  lz4: { command: "lz4", debianPackage: "lz4" },
  curl: { command: "curl", debianPackage: "curl" },
  qemu: TOOLS.qemu,
} satisfies Record<string, HostTool>;

/** Bump when the layout of the initramfs changes, so cached ones are rebuilt. */
const FORMAT = 1;
const KERNEL_META = "linux-image-amd64";
const ROOT_PACKAGES = ["nodejs", "busybox-static"];
/** The virtio-net driver over both transports (microvm: MMIO, q35: PCI);
 *  their dependencies are added from each module's .modinfo. */
const MODULES = ["virtio_ring", "virtio", "virtio_pci", "virtio_mmio", "failover", "net_failover", "virtio_net"];
const MULTIARCH = "x86_64-linux-gnu";
const LIB_DIR = `/lib/${MULTIARCH}`;
const DEFAULT_BODY = "Hello from Crust!\n";
/** QEMU user networking: the guest's address and gateway. */
const GUEST_IP = "10.0.2.15/24";
const GATEWAY = "10.0.2.2";

export type PeerMachine = "microvm" | "q35";

export interface Peer {
  kernel: string;
  initrd: string;
  /** kernel + initrd, bytes on disk */
  bytes: number;
}

export function cacheDir(): string {
  return process.env.CRUST_PEER_CACHE || join(homedir(), ".cache", "crust", "peer");
}

const log = (msg: string) => process.stderr.write(`peer: ${msg}\n`);

// ---------------------------------------------------------------- processes

function run(tool: HostTool, args: string[], opts: SpawnSyncOptions = {}): string {
  const cmd = requireTool(tool);
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 << 20, ...opts });
  if (r.error) throw new CrustError(`${cmd} failed to start: ${r.error.message}`);
  if (r.status !== 0) {
    const err = String(r.stderr ?? "").split("\n").filter((l) => !/unsandboxed/.test(l)).join("\n").trim();
    throw new CrustError(`${cmd} ${args.join(" ")} failed (status ${r.status}): ${err}`);
  }
  return String(r.stdout ?? "");
}

// ---------------------------------------------------------------- packages

interface Pkg {
  name: string;
  version: string;
  arch: string;
  depends: string;
}

/** The versions of each package that Debian's archive offers, newest first
 *  (never a locally installed one, which may come from elsewhere, e.g.
 *  NodeSource); one apt-cache call for all the names not asked before. */
const versionsKnown = new Map<string, string[]>();
function archiveVersions(names: string[]): Map<string, string[]> {
  const ask = [...new Set(names)].filter((n) => !versionsKnown.has(n));
  if (ask.length) {
    for (const n of ask) versionsKnown.set(n, []);
    for (const line of run(PEER_TOOLS.aptCache, ["madison", ...ask]).split("\n")) {
      const f = line.split("|").map((x) => x.trim());
      if (f.length >= 3 && versionsKnown.has(f[0]) && / Packages$/.test(f[2])) {
        const vs = versionsKnown.get(f[0])!;
        if (!vs.includes(f[1])) vs.push(f[1]);
      }
    }
    for (const n of ask) versionsKnown.get(n)!.sort((a, b) => (versionGreater(a, b) ? -1 : versionGreater(b, a) ? 1 : 0));
  }
  return new Map(names.map((n) => [n, versionsKnown.get(n)!]));
}

function versionGreater(a: string, b: string): boolean {
  return a !== b && spawnSync(requireTool(PEER_TOOLS.dpkg), ["--compare-versions", a, "gt", b]).status === 0;
}

function satisfies(version: string, op: string, wanted: string): boolean {
  const dpkgOp = { "=": "eq", ">=": "ge", "<=": "le", ">>": "gt", "<<": "lt" }[op];
  if (!dpkgOp) return true;
  return spawnSync(requireTool(PEER_TOOLS.dpkg), ["--compare-versions", version, dpkgOp, wanted]).status === 0;
}

/** The records of packages at given versions, in one apt-cache call. */
function showPackages(wanted: [string, string][]): Pkg[] {
  const out = run(PEER_TOOLS.aptCache, ["show", ...wanted.map(([n, v]) => `${n}=${v}`)]);
  const records = out.split(/\n\n+/).filter((r) => r.trim());
  return wanted.map(([name, version]) => {
    const field = (rec: string, f: string) =>
      new RegExp(`^${f}: (.*(?:\\n .*)*)`, "m").exec(rec)?.[1].replace(/\n /g, " ") ?? "";
    const rec = records.find((r) => field(r, "Package") === name && field(r, "Version") === version);
    if (!rec) throw new CrustError(`apt-cache show ${name}=${version} gave no record`);
    const depends = [field(rec, "Pre-Depends"), field(rec, "Depends")].filter(Boolean).join(", ");
    return { name, version, arch: field(rec, "Architecture") || "amd64", depends };
  });
}

interface Dep {
  name: string;
  op?: string;
  version?: string;
}

function parseDepends(s: string): Dep[][] {
  return s
    .split(",")
    .map((group) => group.trim())
    .filter(Boolean)
    .map((group) =>
      group.split("|").map((alt) => {
        const m = /^\s*([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)?\s*(?:\(\s*([<>=]+)\s*([^)\s]+)\s*\))?/.exec(alt);
        if (!m) throw new CrustError(`cannot read the dependency "${alt}"`);
        return { name: m[1], op: m[2], version: m[3] };
      }),
    );
}

/** The packages `roots` need (recursively unless told not to) (first alternative that exists),
 *  each at the newest archive version that meets its constraint; resolved
 *  level by level so that apt-cache runs a few times, not per package. */
function resolvePackages(roots: string[], recursive = true): Pkg[] {
  const chosen = new Map<string, Pkg>();
  let level: Dep[][] = roots.map((name) => [{ name }]);
  while (level.length) {
    const known = archiveVersions(level.flat().map((d) => d.name));
    const picks = new Map<string, string>();
    for (const alts of level) {
      if (alts.some((a) => chosen.has(a.name) || picks.has(a.name))) continue;
      const dep = alts.find((a) => known.get(a.name)!.length > 0);
      if (!dep) {
        if (roots.some((r) => alts[0].name === r) || alts.length === 1) {
          throw new CrustError(
            `no version of ${alts.map((a) => a.name).join(" | ")} in the package lists`,
            1,
            "run: apt-get update (this builder needs Debian 12's archive in /etc/apt/sources.list)",
          );
        }
        continue;
      }
      const version = known.get(dep.name)!.find((v) => !dep.op || satisfies(v, dep.op, dep.version!));
      if (!version) throw new CrustError(`no version of ${dep.name} (${dep.op} ${dep.version}) in the package lists`);
      picks.set(dep.name, version);
    }
    const pkgs = picks.size ? showPackages([...picks]) : [];
    for (const p of pkgs) chosen.set(p.name, p);
    if (chosen.size > 80) throw new CrustError(`the dependencies of ${roots.join(", ")} grew past 80 packages`);
    if (!recursive) break;
    level = pkgs.flatMap((p) => parseDepends(p.depends)).filter((alts) => !alts.some((a) => chosen.has(a.name)));
  }
  return [...chosen.values()];
}

function debFile(p: Pkg): string {
  return `${p.name}_${p.version.replace(/:/g, "%3a")}_${p.arch}.deb`;
}

/** apt-get download the packages not yet in the cache's debs folder. */
function download(pkgs: Pkg[], dir: string): Map<string, string> {
  mkdirSync(dir, { recursive: true });
  const missing = pkgs.filter((p) => !existsSync(join(dir, debFile(p))));
  if (missing.length) {
    log(`downloading ${missing.map((p) => `${p.name}=${p.version}`).join(" ")}`);
    run(PEER_TOOLS.aptGet, ["download", "-q", ...missing.map((p) => `${p.name}=${p.version}`)], { cwd: dir });
  }
  const files = new Map<string, string>();
  for (const p of pkgs) {
    const f = join(dir, debFile(p));
    if (!existsSync(f)) throw new CrustError(`apt-get download did not leave ${f}`);
    files.set(p.name, f);
  }
  return files;
}

// ---------------------------------------------------------------- ELF

interface Elf {
  buf: Buffer;
  phdrs: { type: number; offset: number; vaddr: number; filesz: number }[];
}

function readElf(buf: Buffer, what: string): Elf {
  if (buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) {
    throw new CrustError(`${what} is not a 64-bit little-endian ELF file`);
  }
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const phentsize = buf.readUInt16LE(0x36);
  const phnum = buf.readUInt16LE(0x38);
  const phdrs = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    phdrs.push({
      type: buf.readUInt32LE(o),
      offset: Number(buf.readBigUInt64LE(o + 8)),
      vaddr: Number(buf.readBigUInt64LE(o + 16)),
      filesz: Number(buf.readBigUInt64LE(o + 32)),
    });
  }
  return { buf, phdrs };
}

const cstr = (buf: Buffer, off: number) => buf.toString("latin1", off, buf.indexOf(0, off));

/** DT_NEEDED sonames and the PT_INTERP path of a dynamic executable or library. */
function dynamicDeps(file: string): { needed: string[]; interp?: string } {
  const elf = readElf(readFileSync(file), file);
  const { buf } = elf;
  const interpH = elf.phdrs.find((p) => p.type === 3);
  const interp = interpH ? cstr(buf, interpH.offset) : undefined;
  const dyn = elf.phdrs.find((p) => p.type === 2);
  if (!dyn) return { needed: [], interp };
  const needed: number[] = [];
  let strtab = 0;
  for (let o = dyn.offset; o < dyn.offset + dyn.filesz; o += 16) {
    const tag = Number(buf.readBigInt64LE(o));
    const val = Number(buf.readBigUInt64LE(o + 8));
    if (tag === 0) break;
    if (tag === 1) needed.push(val);
    if (tag === 5) strtab = val;
  }
  const load = elf.phdrs.find((p) => p.type === 1 && p.vaddr <= strtab && strtab < p.vaddr + p.filesz);
  if (!load) throw new CrustError(`${file}: DT_STRTAB outside every PT_LOAD`);
  const strOff = strtab - load.vaddr + load.offset;
  return { needed: needed.map((n) => cstr(buf, strOff + n)), interp };
}

/** Whether an ELF carries the Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY). */
function hasPvhNote(elf: Elf): boolean {
  for (const ph of elf.phdrs.filter((p) => p.type === 4)) {
    for (let o = ph.offset; o + 12 <= ph.offset + ph.filesz; ) {
      const namesz = elf.buf.readUInt32LE(o);
      const descsz = elf.buf.readUInt32LE(o + 4);
      const type = elf.buf.readUInt32LE(o + 8);
      const name = elf.buf.toString("latin1", o + 12, o + 12 + namesz).replace(/\0+$/, "");
      if (name === "Xen" && type === 18) return true;
      o += 12 + align4(namesz) + align4(descsz);
    }
  }
  return false;
}

/** The .modinfo section of a kernel module, as key -> values. */
function modinfo(file: string): Map<string, string[]> {
  const buf = readFileSync(file);
  readElf(buf, file);
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const shstrndx = buf.readUInt16LE(0x3e);
  const sh = (i: number) => {
    const o = shoff + i * shentsize;
    return { name: buf.readUInt32LE(o), offset: Number(buf.readBigUInt64LE(o + 24)), size: Number(buf.readBigUInt64LE(o + 32)) };
  };
  const names = sh(shstrndx);
  const info = new Map<string, string[]>();
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    if (cstr(buf, names.offset + s.name) !== ".modinfo") continue;
    for (const kv of buf.toString("latin1", s.offset, s.offset + s.size).split("\0")) {
      const eq = kv.indexOf("=");
      if (eq > 0) info.set(kv.slice(0, eq), [...(info.get(kv.slice(0, eq)) ?? []), kv.slice(eq + 1)]);
    }
  }
  return info;
}

const align4 = (n: number) => (n + 3) & ~3;

// ---------------------------------------------------------------- kernel

/** The compressed kernel inside a bzImage (boot protocol >= 2.08), decompressed. */
function extractVmlinux(bzImage: string, out: string): void {
  const img = readFileSync(bzImage);
  if (img.toString("latin1", 0x202, 0x206) !== "HdrS" || img.readUInt16LE(0x206) < 0x208) {
    throw new CrustError(`${bzImage} is not a bzImage with boot protocol 2.08 or later`);
  }
  const setupSects = img[0x1f1] || 4;
  const start = (setupSects + 1) * 512 + img.readUInt32LE(0x248);
  const payload = img.subarray(start, start + img.readUInt32LE(0x24c));
  const magic = payload.subarray(0, 6).toString("hex");
  let elf: Buffer;
  const viaTool = (tool: HostTool, args: string[]) => {
    const r = spawnSync(requireTool(tool), args, { input: payload, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new CrustError(`${tool.command} could not decompress ${bzImage}: ${r.stderr}`);
    return r.stdout;
  };
  if (magic.startsWith("fd377a585a00")) elf = viaTool(PEER_TOOLS.xz, ["-dc", "--single-stream"]);
  else if (magic.startsWith("1f8b")) elf = gunzipSync(payload);
  else if (magic.startsWith("28b52ffd")) elf = viaTool(PEER_TOOLS.zstd, ["-dc"]);
  else if (magic.startsWith("02214c18")) elf = viaTool(PEER_TOOLS.lz4, ["-dc"]);
  else throw new CrustError(`${bzImage}: unknown payload compression (magic ${magic})`);
  if (!hasPvhNote(readElf(elf, `the kernel in ${bzImage}`))) {
    throw new CrustError(`the kernel in ${bzImage} has no PVH entry note: QEMU could not boot it as an ELF`);
  }
  writeFileSync(`${out}.tmp`, elf);
  renameSync(`${out}.tmp`, out);
}

// ---------------------------------------------------------------- initramfs

type Entry =
  | { kind: "dir"; path: string }
  | { kind: "file"; path: string; data: Buffer; mode: number }
  | { kind: "symlink"; path: string; target: string }
  | { kind: "chardev"; path: string; major: number; minor: number; mode: number };

/** A cpio archive in the "newc" format the kernel unpacks. */
function writeCpio(entries: Entry[], out: string): number {
  const fd = openSync(out, "w");
  let written = 0;
  const put = (b: Buffer) => {
    writeSync(fd, b);
    written += b.length;
  };
  const pad = () => {
    if (written % 4) put(Buffer.alloc(4 - (written % 4)));
  };
  let ino = 1;
  const header = (name: string, mode: number, size: number, nlink: number, rmaj = 0, rmin = 0) => {
    const name0 = Buffer.from(`${name}\0`, "utf8");
    const fields = [ino++, mode, 0, 0, nlink, 0, size, 0, 0, rmaj, rmin, name0.length, 0];
    put(Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, "0")).join("")}`, "latin1"));
    put(name0);
    pad();
  };
  for (const e of entries) {
    const name = e.path.replace(/^\/+/, "");
    if (e.kind === "dir") header(name, 0o040755, 0, 2);
    else if (e.kind === "chardev") header(name, 0o020000 | e.mode, 0, 1, e.major, e.minor);
    else {
      const data = e.kind === "file" ? e.data : Buffer.from(e.target, "utf8");
      header(name, e.kind === "file" ? 0o100000 | e.mode : 0o120777, data.length, 1);
      put(data);
      pad();
    }
  }
  header("TRAILER!!!", 0, 0, 1);
  closeSync(fd);
  return written;
}

/** A path inside an unpacked tree with its symlinks followed inside the tree
 *  (absolute targets mean the tree's root, not the host's). */
function resolveInTree(root: string, path: string): string | null {
  let parts = path.split("/").filter(Boolean);
  let done: string[] = [];
  for (let hops = 0; parts.length; ) {
    const p = parts.shift()!;
    if (p === ".") continue;
    if (p === "..") {
      done.pop();
      continue;
    }
    const host = join(root, ...done, p);
    let st;
    try {
      st = lstatSync(host);
    } catch {
      return null;
    }
    if (st.isSymbolicLink()) {
      if (++hops > 40) return null;
      const target = readlinkSync(host);
      parts = [...target.split("/").filter(Boolean), ...parts];
      if (target.startsWith("/")) done = [];
      continue;
    }
    done.push(p);
  }
  return join(root, ...done);
}

function findLibrary(root: string, soname: string): string {
  for (const dir of [LIB_DIR, `/usr${LIB_DIR}`, "/lib", "/usr/lib"]) {
    const f = resolveInTree(root, posix.join(dir, soname));
    if (f && statSync(f).isFile()) return f;
  }
  throw new CrustError(`${soname} is in none of the unpacked packages`);
}

function httpBody(): { body: string; from: string } {
  const app = join(REPO, "examples", "http-hello", "index.ts");
  if (existsSync(app)) {
    for (const m of readFileSync(app, "utf8").matchAll(/"((?:[^"\\\n]|\\.)*)"/g)) {
      if (/hello/i.test(m[1])) return { body: JSON.parse(`"${m[1]}"`) as string, from: "examples/http-hello/index.ts" };
    }
  }
  return { body: DEFAULT_BODY, from: "the default" };
}

/** The source port's fixed transfer, the same as bench/apps/bulk's. */
export const SOURCE_BYTES = 32 << 20;

function serverJs(body: string): string {
  return `// The benchmark peer's only program: GET / answered with the body of
// Crust's http-hello example (generated by bench/peer/build.ts).
"use strict";
const http = require("http");
const BODY = Buffer.from(${JSON.stringify(body)});
http
  .createServer((req, res) => {
    if (req.method === "GET" && req.url === "/") {
      res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": BODY.length });
      res.end(BODY);
    } else {
      res.writeHead(404, { "Content-Length": 0 });
      res.end();
    }
  })
  .listen(80, "0.0.0.0", () => {
    // Guest clock: since the kernel started, and since node started.
    const boot = require("fs").readFileSync("/proc/uptime", "latin1").split(" ")[0];
    const up = process.uptime().toFixed(2);
    console.log("peer: node " + process.version + " listening on :80 at " + boot + " s (node up " + up + " s)");
  });

// The TCP throughput benchmark's ports, as bench/apps/bulk serves them:
// 9 discards (RFC 863), 19 sends SOURCE_BYTES and closes.
const net = require("net");
const SOURCE_BYTES = ${SOURCE_BYTES};
const CHUNK = Buffer.alloc(16384, 0x41);
net.createServer((s) => { s.on("data", () => {}); s.on("end", () => s.end()); s.on("error", () => {}); }).listen(9, "0.0.0.0");
net.createServer((s) => {
  let sent = 0;
  s.on("error", () => {});
  const fill = () => {
    while (sent < SOURCE_BYTES) {
      const n = Math.min(CHUNK.length, SOURCE_BYTES - sent);
      sent += n;
      if (!s.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return;
    }
    s.end();
  };
  s.on("drain", fill);
  fill();
}).listen(19, "0.0.0.0");
`;
}

/** What /init does differently when the peer is a Xen PV domU (bench/xen.ts)
 *  instead of a QEMU micro-VM: the defaults below are the QEMU peer's. */
export interface InitNet {
  /** The header comment's words for the NIC and its network. */
  what: string;
  /** Lines that give eth0 its address (busybox sh, $bb is busybox). */
  address: string;
  /** How long to wait for eth0 to appear, in 10 ms steps. */
  steps: number;
}

const QEMU_NET: InitNet = {
  what: "load virtio-net, configure QEMU user networking",
  address: `$bb ip addr add ${GUEST_IP} dev eth0
$bb ip link set eth0 up
$bb ip route add default via ${GATEWAY}`,
  steps: 200,
};

export function initScript(modules: string[], net: InitNet = QEMU_NET): string {
  return `#!/bin/busybox sh
# PID 1 of the benchmark peer (generated by bench/peer/build.ts): mount the
# kernel's file systems, ${net.what},
# then become node. If node dies the kernel panics and QEMU exits
# (panic=-1 -no-reboot).
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev
for m in ${modules.join(" ")}; do
  $bb insmod /lib/modules/$m.ko || echo "init: insmod $m failed"
done
n=0
while [ ! -e /sys/class/net/eth0 ] && [ $n -lt ${net.steps} ]; do $bb usleep 10000; n=$((n + 1)); done
$bb ip link set lo up
${net.address}
export HOME=/ PATH=/usr/bin:/bin LD_LIBRARY_PATH=${LIB_DIR}
exec /usr/bin/node /server.js
`;
}

/** Module names in load order (dependencies first), from .modinfo depends=. */
function moduleOrder(kernelTree: string, kver: string, wanted: string[]): { name: string; file: string }[] {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(".ko")) files.set(e.name.slice(0, -3).replace(/-/g, "_"), join(d, e.name));
    }
  };
  walk(join(kernelTree, "lib", "modules", kver, "kernel"));
  const builtin = new Set(
    readFileSync(join(kernelTree, "lib", "modules", kver, "modules.builtin"), "utf8")
      .split("\n")
      .map((l) => basename(l, ".ko").replace(/-/g, "_")),
  );
  const order: { name: string; file: string }[] = [];
  const visit = (name: string, path: string[]) => {
    if (order.some((m) => m.name === name) || builtin.has(name)) return;
    if (path.includes(name)) throw new CrustError(`module dependency cycle: ${[...path, name].join(" -> ")}`);
    const file = files.get(name);
    if (!file) throw new CrustError(`module ${name} is not in the kernel package`);
    for (const dep of (modinfo(file).get("depends")?.[0] ?? "").split(",").filter(Boolean)) visit(dep, [...path, name]);
    order.push({ name, file });
  };
  for (const m of wanted) visit(m, []);
  return order;
}

function buildInitrd(
  work: string, kernelTree: string, kver: string, pkgFiles: string[], out: string,
  wanted: string[] = MODULES, net: InitNet = QEMU_NET,
): void {
  const tree = join(work, "tree");
  mkdirSync(tree, { recursive: true });
  for (const f of pkgFiles) run(PEER_TOOLS.dpkgDeb, ["-x", f, tree]);

  const files = new Map<string, { data: Buffer; mode: number }>();
  const symlinks = new Map<string, string>();
  const addFile = (path: string, host: string) => {
    files.set(path, { data: readFileSync(host), mode: statSync(host).mode & 0o777 });
  };

  // node and the shared libraries it loads, each under its soname in LIB_DIR.
  const node = resolveInTree(tree, "/usr/bin/node");
  if (!node) throw new CrustError("the nodejs package has no /usr/bin/node");
  addFile("/usr/bin/node", node);
  const queue = [node];
  let interp: string | undefined;
  const seen = new Set<string>();
  while (queue.length) {
    const f = queue.shift()!;
    const d = dynamicDeps(f);
    interp ??= d.interp;
    for (const soname of d.needed) {
      if (seen.has(soname)) continue;
      seen.add(soname);
      const lib = findLibrary(tree, soname);
      addFile(`${LIB_DIR}/${soname}`, lib);
      queue.push(lib);
    }
  }
  if (!interp) throw new CrustError("node has no program interpreter (PT_INTERP)");
  const loader = resolveInTree(tree, interp);
  if (!loader) throw new CrustError(`the loader ${interp} is in none of the unpacked packages`);
  addFile(`${LIB_DIR}/${basename(interp)}`, loader);
  if (interp !== `${LIB_DIR}/${basename(interp)}`) symlinks.set(interp, `${LIB_DIR}/${basename(interp)}`);

  // Debian's libnode loads some builtins from /usr/share/nodejs at startup
  // (cjs-module-lexer, undici, acorn): the paths are compiled in.
  const libnode = [...seen].find((so) => so.startsWith("libnode.so"));
  const text = libnode ? readFileSync(findLibrary(tree, libnode)).toString("latin1") : "";
  const externals = new Set([...text.matchAll(/NODE_SHARED_BUILTIN_\w+_PATH=(\/usr\/share\/nodejs\/[\w@./-]+\.js)/g)].map((m) => m[1]));
  for (const p of externals) {
    const host = resolveInTree(tree, p);
    if (!host) throw new CrustError(`libnode loads ${p}, which no unpacked package has`);
    addFile(p, host);
  }
  // Without this file node warns on every start that its extra CA bundle is missing.
  files.set("/etc/ssl/certs/ca-certificates.crt", { data: Buffer.alloc(0), mode: 0o644 });

  const busybox = resolveInTree(tree, "/bin/busybox");
  if (!busybox) throw new CrustError("the busybox-static package has no /bin/busybox");
  addFile("/bin/busybox", busybox);
  symlinks.set("/bin/sh", "busybox");

  const modules = moduleOrder(kernelTree, kver, wanted);
  for (const m of modules) addFile(`/lib/modules/${m.name}.ko`, m.file);

  const { body } = httpBody();
  files.set("/server.js", { data: Buffer.from(serverJs(body)), mode: 0o644 });
  files.set("/init", { data: Buffer.from(initScript(modules.map((m) => m.name), net)), mode: 0o755 });

  // Directories first (parents before children), then nodes, links, files.
  const dirs = new Set(["/dev", "/proc", "/sys", "/tmp", "/root"]);
  for (const p of [...files.keys(), ...symlinks.keys()]) {
    for (let d = posix.dirname(p); d !== "/"; d = posix.dirname(d)) dirs.add(d);
  }
  const entries: Entry[] = [
    ...[...dirs].sort().map((path): Entry => ({ kind: "dir", path })),
    { kind: "chardev", path: "/dev/console", major: 5, minor: 1, mode: 0o600 },
    { kind: "chardev", path: "/dev/null", major: 1, minor: 3, mode: 0o666 },
    ...[...symlinks].map(([path, target]): Entry => ({ kind: "symlink", path, target })),
    ...[...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, f]): Entry => ({ kind: "file", path, ...f })),
  ];
  const cpio = join(work, "initrd.cpio");
  const raw = writeCpio(entries, cpio);
  log(`initramfs: ${entries.length} entries, ${(raw / 1e6).toFixed(1)} MB unpacked; compressing with lz4`);
  // The kernel's initramfs unpacker reads only lz4's legacy frame format (-l).
  run(PEER_TOOLS.lz4, ["-l", "-9", "-q", "-f", cpio, `${out}.tmp`]);
  renameSync(`${out}.tmp`, out);
}

// ---------------------------------------------------------------- build

/** Work folders left by builds that were killed (their process is gone). */
function removeStaleWork(dir: string): void {
  for (const f of readdirSync(dir)) {
    const m = /^work-(\d+)$/.exec(f);
    if (!m) continue;
    let alive = Number(m[1]) !== process.pid;
    try {
      if (alive) process.kill(Number(m[1]), 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === "EPERM";
    }
    if (!alive) rmSync(join(dir, f), { recursive: true, force: true });
  }
}

/** Download the kernel and user packages, unpack the kernel package in a
 *  fresh work folder and let `make` build the cache's files from them; the
 *  work folder goes away after. */
function fromPackages(dir: string, kernelPkg: Pkg, userPkgs: Pkg[],
                      make: (work: string, kernelTree: string, userDebs: string[]) => void): void {
  // Missing tools are reported before the minute of work, not after.
  for (const t of [PEER_TOOLS.aptGet, PEER_TOOLS.dpkgDeb, PEER_TOOLS.lz4]) requireTool(t);
  const debs = download([kernelPkg, ...userPkgs], join(dir, "debs"));
  const work = join(dir, `work-${process.pid}`);
  removeStaleWork(dir);
  try {
    const kernelTree = join(work, "kernel");
    mkdirSync(kernelTree, { recursive: true });
    run(PEER_TOOLS.dpkgDeb, ["-x", debs.get(kernelPkg.name)!, kernelTree]);
    make(work, kernelTree, userPkgs.map((p) => debs.get(p.name)!));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Older builds are superseded by the files just made: a cache file that
 *  matches one of the patterns and is not one of the current ones goes. */
function removeSuperseded(dir: string, current: string[], patterns: RegExp[]): void {
  const keep = new Set(current.map((f) => basename(f)));
  for (const f of readdirSync(dir)) {
    if (!keep.has(f) && patterns.some((re) => re.test(f))) rmSync(join(dir, f), { force: true });
  }
}

function link(dir: string, name: string, target: string): void {
  const tmp = join(dir, `.${name}.tmp`);
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, join(dir, name));
}

/** The kernel package and the initramfs's packages, remembered in the cache
 *  for as long as apt's package lists stay the same (resolving takes seconds). */
function resolveAll(dir: string): { kernelPkg: Pkg; userPkgs: Pkg[] } {
  const lists = "/var/lib/apt/lists";
  let listsKey = "";
  try {
    listsKey = readdirSync(lists)
      .filter((f) => /_Packages/.test(f))
      .sort()
      .map((f) => {
        const st = statSync(join(lists, f));
        return `${f}:${st.size}:${st.mtimeMs}`;
      })
      .join("\n");
  } catch {
    /* no lists: resolve (and fail) below */
  }
  const memo = join(dir, "resolved.json");
  try {
    const m = JSON.parse(readFileSync(memo, "utf8"));
    if (listsKey && m.listsKey === listsKey && m.format === FORMAT) return m;
  } catch {
    /* not resolved yet */
  }
  const meta = resolvePackages([KERNEL_META], false)[0];
  const kdep = parseDepends(meta.depends).flat().find((d) => /^linux-image-\d/.test(d.name));
  if (!kdep) throw new CrustError(`${KERNEL_META} ${meta.version} depends on no linux-image-<version> package`);
  const kernelPkg = resolvePackages([kdep.name], false)[0];
  const userPkgs = resolvePackages(ROOT_PACKAGES);
  writeFileSync(memo, JSON.stringify({ format: FORMAT, listsKey, kernelPkg, userPkgs }, null, 1));
  return { kernelPkg, userPkgs };
}

/** Build the peer's kernel and initramfs if the cache lacks them. */
export async function buildPeer(): Promise<Peer> {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();

  const { kernelPkg, userPkgs } = resolveAll(dir);
  const kver = kernelPkg.name.replace(/^linux-image-/, "");
  const { body, from } = httpBody();

  const kernel = join(dir, `vmlinux-${kernelPkg.name}_${kernelPkg.version}`);
  const key = createHash("sha256")
    .update(JSON.stringify({
      FORMAT, kernel: `${kernelPkg.name}=${kernelPkg.version}`, MODULES,
      pkgs: userPkgs.map((p) => `${p.name}=${p.version}`).sort(),
      init: initScript(MODULES), server: serverJs(body),
    }))
    .digest("hex")
    .slice(0, 12);
  const initrd = join(dir, `initrd-${key}.lz4`);

  if (!existsSync(kernel) || !existsSync(initrd)) {
    fromPackages(dir, kernelPkg, userPkgs, (work, kernelTree, userDebs) => {
      if (!existsSync(kernel)) {
        log(`extracting vmlinux from ${kernelPkg.name} ${kernelPkg.version}`);
        extractVmlinux(join(kernelTree, "boot", `vmlinuz-${kver}`), kernel);
      }
      if (!existsSync(initrd)) {
        log(`building the initramfs: ${userPkgs.map((p) => `${p.name} ${p.version}`).join(", ")}; body from ${from}`);
        buildInitrd(work, kernelTree, kver, userDebs, initrd);
      }
    });
    removeSuperseded(dir, [kernel, initrd], [/^vmlinux-/, /^initrd-(?!xen-).*\.lz4$/]);
    log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  link(dir, "vmlinux", basename(kernel));
  link(dir, "initrd.lz4", basename(initrd));
  return { kernel, initrd, bytes: statSync(kernel).size + statSync(initrd).size };
}

// ---------------------------------------------------------------- as a Xen PV guest

/** The same peer as a Xen PV domU (bench/xen.ts): Debian's vmlinuz as it is
 *  (Xen's domain builder unpacks a bzImage itself, as for dom0), and an
 *  initramfs with netfront instead of virtio-net and the address from the
 *  kernel command line, since the guest sits on dom0's bridge. */
const XEN_MODULES = ["xen_netfront"];
const XEN_NET: InitNet = {
  what: "load netfront, take eth0's address from peer_ip= on the kernel command line",
  address: `ip=$($bb sed -n 's/.*peer_ip=\\([^ ]*\\).*/\\1/p' /proc/cmdline)
$bb ip addr add $ip dev eth0
$bb ip link set eth0 up`,
  // netfront appears once xenbus has probed the vif: seconds under nested TCG.
  steps: 3000,
};

export interface XenPeer extends Peer {
  /** The kernel command line for xl's extra=: the console is hvc0 in a PV domU. */
  cmdline: (address: string) => string;
}

/** Build the Xen flavour of the peer (vmlinuz-* and initrd-xen-*.lz4 in the cache) if missing. */
export async function buildXenPeer(): Promise<XenPeer> {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const { kernelPkg, userPkgs } = resolveAll(dir);
  const kver = kernelPkg.name.replace(/^linux-image-/, "");
  const { body } = httpBody();
  const kernel = join(dir, `vmlinuz-${kernelPkg.name}_${kernelPkg.version}`);
  const key = createHash("sha256")
    .update(JSON.stringify({
      FORMAT, kernel: `${kernelPkg.name}=${kernelPkg.version}`, XEN_MODULES,
      pkgs: userPkgs.map((p) => `${p.name}=${p.version}`).sort(),
      init: initScript(XEN_MODULES, XEN_NET), server: serverJs(body),
    }))
    .digest("hex")
    .slice(0, 12);
  const initrd = join(dir, `initrd-xen-${key}.lz4`);
  if (!existsSync(kernel) || !existsSync(initrd)) {
    const t0 = performance.now();
    fromPackages(dir, kernelPkg, userPkgs, (work, kernelTree, userDebs) => {
      writeFileSync(`${kernel}.tmp`, readFileSync(join(kernelTree, "boot", `vmlinuz-${kver}`)));
      renameSync(`${kernel}.tmp`, kernel);
      if (!existsSync(initrd)) {
        log(`building the Xen guest's initramfs (netfront, console hvc0)`);
        buildInitrd(work, kernelTree, kver, userDebs, initrd, XEN_MODULES, XEN_NET);
      }
    });
    removeSuperseded(dir, [kernel, initrd], [/^vmlinuz-/, /^initrd-xen-.*\.lz4$/]);
    log(`Xen guest built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return {
    kernel, initrd, bytes: statSync(kernel).size + statSync(initrd).size,
    // rootfstype=ramfs: the unpacked tree is larger than tmpfs's half of RAM.
    cmdline: (address) => `console=hvc0 panic=-1 rootfstype=ramfs peer_ip=${address}`,
  };
}

// ---------------------------------------------------------------- booting it

/** The host's TSC rate in kHz (TCG's guest TSC runs at it), if known. */
function hostTscKhz(): number | null {
  try {
    const m = /^cpu MHz\s*:\s*([\d.]+)/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    return m ? Math.round(Number(m[1]) * 1000) : null;
  } catch {
    return null;
  }
}

export function peerCommandLine(accel: "tcg" | "kvm" = "tcg"): string {
  const opts = ["console=ttyS0", "panic=-1", "rootfstype=ramfs"];
  const khz = hostTscKhz();
  // Under TCG, PIT calibration sometimes hangs and the clocksource watchdog
  // demotes the TSC: give the rate and trust it. KVM has kvmclock.
  if (accel === "tcg" && khz) opts.push(`tsc_early_khz=${khz}`, "tsc=reliable");
  opts.push("quiet");
  return opts.join(" ");
}

/** QEMU's arguments (without the program) to boot the peer with the NIC and
 *  accelerator Crust gets (tools/src/run/qemu.ts): virtio-net over user
 *  networking, guest port 80 forwarded from 127.0.0.1:hostPort. The paths
 *  default to the pair buildPeer() built last. */
export function peerQemuArgs(
  machine: PeerMachine,
  memory: string,
  hostPort: number,
  accel: "tcg" | "kvm" = "tcg",
  /** More forwards, [host, guest] (the throughput benchmark's ports). */
  extraForwards: [number, number][] = [],
  peer: { kernel: string; initrd: string } = { kernel: join(cacheDir(), "vmlinux"), initrd: join(cacheDir(), "initrd.lz4") },
): string[] {
  if (!existsSync(peer.kernel) || !existsSync(peer.initrd)) {
    throw new CrustError(`the peer is not built (${peer.kernel})`, 1, "run buildPeer() or: node bench/dist/bench/peer/build.js");
  }
  // microvm: the legacy PIC/PIT/RTC Linux expects (Crust runs with pic=off).
  const args = [
    "-M", machine === "microvm" ? "microvm,x-option-roms=off,pit=on,pic=on,rtc=on,isa-serial=on" : "q35",
    "-accel", accel,
    "-cpu", accel === "kvm" ? "host" : "max",
    "-m", memory,
    "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
    "-serial", "stdio",
    "-kernel", peer.kernel,
    "-initrd", peer.initrd,
    "-append", peerCommandLine(accel),
    "-netdev", `user,id=net0,hostfwd=tcp:127.0.0.1:${hostPort}-:80` +
      extraForwards.map(([h, g]) => `,hostfwd=tcp:127.0.0.1:${h}-:${g}`).join(""),
    "-device", `virtio-net-${machine === "microvm" ? "device" : "pci"},netdev=net0`,
  ];
  if (machine === "q35") {
    // As for Crust: keep SeaBIOS's banner off the serial console.
    const off = join(cacheDir(), "sercon-off.bin");
    if (!existsSync(off)) writeFileSync(off, Buffer.alloc(4));
    args.push("-fw_cfg", `name=etc/sercon-port,file=${off}`);
  }
  return args;
}

export interface PeerBoot {
  /** QEMU spawn -> first successful HTTP response, ms (null: none in time) */
  firstResponseMs: number | null;
  /** QEMU spawn -> node's "listening" line on the console, ms */
  listeningMs: number | null;
  /** guest clock at that line: since the kernel started, and since node did (s) */
  guest: { kernelS: number; nodeS: number } | null;
  body: string;
  console: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Boot the peer once and poll it with curl every 50 ms until it answers. */
export async function bootOnce(
  machine: PeerMachine, memory: string, port: number, accel: "tcg" | "kvm" = "tcg", timeoutMs = 60_000,
): Promise<PeerBoot> {
  const qemu = requireTool(PEER_TOOLS.qemu);
  const curl = requireTool(PEER_TOOLS.curl);
  const args = peerQemuArgs(machine, memory, port, accel);
  const t0 = performance.now();
  const p = spawn(qemu, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let listeningMs: number | null = null;
  let exited = false;
  p.stdout.on("data", (d) => {
    out += d;
    if (listeningMs === null && /listening on :80/.test(out)) listeningMs = performance.now() - t0;
  });
  p.stderr.on("data", (d) => (out += d));
  const closed = new Promise<void>((r) => p.on("close", () => ((exited = true), r())));
  try {
    while (!exited && performance.now() - t0 < timeoutMs) {
      const tick = performance.now();
      const body = await new Promise<string | null>((resolve) => {
        const c = spawn(curl, ["-sf", "--max-time", "2", `http://127.0.0.1:${port}/`], { stdio: ["ignore", "pipe", "ignore"] });
        let b = "";
        c.stdout.on("data", (d) => (b += d));
        c.on("close", (code) => resolve(code === 0 ? b : null));
        c.on("error", () => resolve(null));
      });
      if (body !== null) return { firstResponseMs: performance.now() - t0, listeningMs, guest: guestTimes(out), body, console: out };
      await sleep(Math.max(0, 50 - (performance.now() - tick)));
    }
    return { firstResponseMs: null, listeningMs, guest: guestTimes(out), body: "", console: out };
  } finally {
    if (!exited) p.kill("SIGKILL");
    await closed;
  }
}

function guestTimes(console: string): PeerBoot["guest"] {
  const m = /listening on :80 at ([\d.]+) s \(node up ([\d.]+) s\)/.exec(console);
  return m ? { kernelS: Number(m[1]), nodeS: Number(m[2]) } : null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(argv: string[]): Promise<number> {
  const opt = (name: string, dflt: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? argv.splice(i, 2)[1] : dflt;
  };
  const machine = opt("machine", "microvm") as PeerMachine;
  const memory = opt("memory", "256M");
  const port = Number(opt("port", "18080"));
  const accel = opt("accel", "tcg") as "tcg" | "kvm";
  const peer = await buildPeer();
  const mb = (f: string) => (statSync(f).size / 1e6).toFixed(1);
  console.log(`kernel  ${peer.kernel} (${mb(peer.kernel)} MB)`);
  console.log(`initrd  ${peer.initrd} (${mb(peer.initrd)} MB)`);
  if (argv[0] !== "check") return 0;
  const runs = Math.min(Math.max(Number(argv[1] ?? 3) || 3, 1), 20);
  const expected = httpBody().body;
  const first: number[] = [];
  const listening: number[] = [];
  console.log(`boot check: ${machine}, -m ${memory}, -accel ${accel}, ${runs} runs, 127.0.0.1:${port} -> :80`);
  for (let i = 0; i < runs; i++) {
    const b = await bootOnce(machine, memory, port, accel);
    if (b.firstResponseMs === null || b.body !== expected) {
      console.log(`run ${i + 1}: no ${b.firstResponseMs === null ? "response" : `right body (got ${JSON.stringify(b.body)})`}; console:\n${b.console.slice(-3000)}`);
      return 1;
    }
    first.push(b.firstResponseMs);
    if (b.listeningMs !== null) listening.push(b.listeningMs);
    const g = b.guest ? `; guest clock: listening ${b.guest.kernelS.toFixed(2)} s after kernel start, node up ${b.guest.nodeS.toFixed(2)} s` : "";
    console.log(`run ${i + 1}: first response ${b.firstResponseMs.toFixed(0)} ms (node listening at ${b.listeningMs?.toFixed(0) ?? "?"} ms${g})`);
  }
  console.log(`median: first response ${median(first).toFixed(0)} ms` +
    (listening.length ? `, node listening ${median(listening).toFixed(0)} ms` : ""));
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      if (e instanceof CrustError) {
        console.error(`peer: ${e.message}${e.hint ? `\n  (${e.hint})` : ""}`);
        process.exit(e.exitCode);
      }
      console.error(e);
      process.exit(1);
    },
  );
}
