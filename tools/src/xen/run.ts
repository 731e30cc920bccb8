// Running PV guests in the Xen rig (rig.ts): the guests travel to dom0 as a
// second cpio archive appended to dom0.cpio; dom0's /guest/run starts each
// one with xl, streams its console log (written by xenconsoled) to dom0's
// console, and reports how it ended. QEMU's serial port carries all of it;
// lines between the markers below are the guest's own console.
//
//   @@crust-xen guest N begin
//   ...the guest's console...
//   @@crust-xen guest N vcpu begin       (only for a crash without an exit code)
//   ...xenctx: the vCPU's registers and frame-pointer call trace...
//   @@crust-xen guest N vcpu end
//   @@crust-xen guest N end reason=R code=C first-output=S created=T
//
// R is the domain's shutdown reason (xl list -v: 0 poweroff, 3 crash ...),
// C the exit code the guest left in xenstore (data/crust-exit-code, see
// machine/x86_64/xen/power.c) or "none", S the seconds from `xl create` to
// the first byte in the console log, T the seconds `xl create` itself took
// (building the domain, loading its kernel and ramdisk, the vif's hotplug
// scripts: the guest runs only after that).
//
// A guest that crashes without an exit code never reached crash.c's report:
// Xen itself crashed the domain, typically because it could not deliver an
// exception (a stack overflow: a PV guest has no IST, so Xen finds no stack
// to push the exception frame on). The domain is kept (on_crash="preserve"),
// so dom0 reads its vCPU state with Xen's xenctx, symbolized with a
// System.map-style file made from the build's crust.debug.elf.
import { spawn } from "node:child_process";
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CrustError } from "../errors.js";
import { functionSymbols } from "../pipeline/ksyms.js";
import { requireTool, TOOLS } from "../tools.js";
import { domainName, xlConfig } from "./config.js";
import { ensureRig } from "./rig.js";

export interface XenGuest {
  /** The PV kernel: Crust's build/xen/crust.elf, or any PV kernel xl takes
   *  (e.g. a Linux vmlinuz, with ramdisk); Crust's build/xen-pvh/crust.elf
   *  with mode "pvh". */
  image: string;
  /** The guest type the image was built for (default PV). */
  mode?: "pv" | "pvh";
  /** An initial ramdisk for a Linux kernel (xl's ramdisk=). */
  ramdisk?: string;
  /** Symbols for xenctx if the guest crashes without an exit code: an ELF
   *  with a symbol table. Default: crust.debug.elf beside the image, if any. */
  symbols?: string;
  /** The app's name; the domain is crust-<name>. */
  name: string;
  memoryMiB: number;
  /** The guest command line: kernel options, then -- and the app's words. */
  cmdline: string;
  /** A dom0 shell command run once the guest has printed something, with
   *  $name and $id set (e.g. "xl shutdown $name"), $t0 (dom0's uptime at
   *  `xl create`) and now() (dom0's uptime); its output comes back in the
   *  guest's console with "dom0> " before each line. */
  afterOutput?: string;
  /** A dom0 shell command started in the background as soon as `xl create`
   *  returns, with $name, $t0 and now() (no $id yet): for measuring from
   *  outside without waiting for the guest's output. Its output follows the
   *  guest's console, "dom0> " before each line, once the guest has ended
   *  and the command too. */
  afterCreate?: string;
  /** Give the guest a vif on dom0's bridge xenbr0 (dom0 is 169.254.1.1/16). */
  network?: boolean;
  /** The vif's MAC address (default: one xl picks at random). */
  mac?: string;
}

export interface GuestResult {
  /** The domain's shutdown reason: poweroff, crash, ... or "unknown". */
  reason: string;
  /** The guest's exit code from xenstore, or null if it left none. */
  code: number | null;
  /** The guest's console output. */
  console: string;
  /** Seconds from `xl create` to the guest's first console byte, as dom0 saw it. */
  firstOutputS: number | null;
  /** Seconds `xl create` took (domain build, kernel and ramdisk loading, vif
   *  hotplug): the guest starts running at the end of it. */
  createdS: number | null;
  /** What Xen itself printed while the guest ran (e.g. why it crashed the domain). */
  xenLog: string;
  /** For a crash that left no exit code: xenctx's dump of the vCPU (registers,
   *  code bytes, call trace with function names); null otherwise. */
  vcpuReport: string | null;
}

/** xen/include/public/sched.h: SHUTDOWN_* */
const SHUTDOWN_REASONS = ["poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset"];

const MARK = "@@crust-xen";
const BRIDGE = "xenbr0";
const DOM0_ADDRESS = "169.254.1.1/16";
const GUEST_CONSOLE = "/var/log/xen/console";

/** xenctx (xen-utils-4.17; its options in xenctx --help): -f walks the frame-pointer
 *  chain (Crust is built with frame pointers, as crash.c's backtraces need);
 *  -l 0 skips the raw dump of the words at rsp, which after a stack overflow
 *  lies in the unmapped guard page, and xenctx stops at the first page it
 *  cannot map; -n 3: the chain is followed through the 3 pages from rsp's
 *  (the guard page and two of stack), not the whole 512 KiB of recursion. */
const XENCTX_OPTIONS = "-f -l 0 -n 3";

/** dom0's /guest/run: each guest folder in turn, then back to /init, which powers off. */
function runScript(count: number, network: boolean): string {
  const bridge = network ? `ip link add ${BRIDGE} type bridge && ip addr add ${DOM0_ADDRESS} dev ${BRIDGE} && ip link set ${BRIDGE} up\n` : "";
  return `#!/bin/sh
# Generated by crust (tools/src/xen/run.ts).
dmesg -n 1
${bridge}now() { cut -d' ' -f1 /proc/uptime; }
for n in $(seq 0 ${count - 1}); do
  cd /guest/$n
  name=$(sed -n 's/^name = "\\(.*\\)"$/\\1/p' crust.xl)
  log=${GUEST_CONSOLE}/guest-$name.log
  echo "${MARK} guest $n begin"
  t0=$(now); first=none; off=0; reason=unknown; acted=no
  # -e: no monitoring child; the domain is kept (on_* = preserve) and read here.
  if ! xl create -e crust.xl >/tmp/xl.log 2>&1; then
    cat /tmp/xl.log
    echo "${MARK} guest $n end reason=unknown code=none first-output=none created=none"
    continue
  fi
  read created rest </proc/uptime # a builtin: the poll below starts at once
  bg=none
  if [ -f after-create ]; then (. ./after-create) >/tmp/after-create.out 2>&1 & bg=$!; fi
  # Until the first output, a tight poll of the log with shell builtins only
  # (under TCG, starting a process costs a few hundred ms), for up to 30 s.
  read up rest </proc/uptime; limit=$((\${up%.*} + 30))
  while [ ! -s "$log" ] && [ "\${up%.*}" -lt $limit ]; do read up rest </proc/uptime; done
  [ -s "$log" ] && first=$(echo "$up $t0" | awk '{printf "%.2f", $1 - $2}')
  id=$(xl domid "$name")
  while :; do
    # The state first: output written before the shutdown is then in the log.
    line=$(xl list -v "$name" 2>/dev/null | tail -n 1)
    size=$(stat -c %s "$log" 2>/dev/null || echo 0)
    if [ "$size" -gt "$off" ]; then
      [ "$first" = none ] && first=$(echo "$(now) $t0" | awk '{printf "%.2f", $1 - $2}')
      tail -c +$((off + 1)) "$log" | head -c $((size - off))
      off=$size
    fi
    if [ "$first" != none ] && [ $acted = no ] && [ -f after-output ]; then
      acted=yes; (. ./after-output) 2>&1 | sed 's/^/dom0> /'
    fi
    state=$(echo "$line" | awk '{print $5}')
    case "$state" in
      *s*|*c*) reason=$(echo "$line" | awk '{print $8}'); break ;;
      "") break ;;
    esac
  done
  code=$(xenstore-read /local/domain/$id/data/crust-exit-code 2>/dev/null || echo none)
  [ "$off" -gt 0 ] && [ -n "$(tail -c 1 "$log")" ] && echo
  if [ "$bg" != none ]; then wait $bg; sed 's/^/dom0> /' /tmp/after-create.out; fi
  if [ "$reason" = 3 ] && [ "$code" = none ]; then
    echo "${MARK} guest $n vcpu begin"
    xenctx ${XENCTX_OPTIONS} $([ -f System.map ] && echo -s System.map) "$id" 0 2>&1
    echo "${MARK} guest $n vcpu end"
  fi
  created=$(echo "$created $t0" | awk '{printf "%.2f", $1 - $2}')
  echo "${MARK} guest $n end reason=$reason code=$code first-output=$first created=$created"
done
`;
}

/** A cpio archive in the "newc" format (what Linux's initramfs unpacker reads). */
function cpio(entries: { path: string; mode: number; data?: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  const pad = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  let ino = 1;
  for (const e of [...entries, { path: "TRAILER!!!", mode: 0 }]) {
    const data = "data" in e && e.data ? e.data : Buffer.alloc(0);
    const name = Buffer.from(e.path + "\0");
    const header = "070701" + [ino++, e.mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, name.length, 0].map(hex).join("");
    parts.push(Buffer.from(header), name, pad(110 + name.length), data, pad(data.length));
  }
  return Buffer.concat(parts);
}

const DIR = 0o040755;
const FILE = 0o100644;
const EXEC = 0o100755;

/** A System.map as Linux's build writes it ("address type name" per line,
 *  sorted), which is what xenctx -s reads. xenctx counts an address as code
 *  between the symbols _stext and _etext and between _sinittext and
 *  _einittext (Linux's init code), and as the image's data between _text and
 *  _end. Each pair missing would be [0, 0], and a 0 (an unused fs base)
 *  would be named after the nearest symbol: Crust has no init section, so
 *  that pair is an empty range at _etext. */
export function systemMap(elf: Buffer): string {
  const syms = functionSymbols(elf).filter((s) => s.addr !== 0n);
  if (!syms.length) return "";
  const hex = (a: bigint) => a.toString(16).padStart(16, "0");
  const textEnd = syms.reduce((m, s) => (s.addr + BigInt(s.size) > m ? s.addr + BigInt(s.size) : m), 0n);
  const image = loadedRange(elf);
  return [
    `${hex(image.start)} T _text`,
    `${hex(syms[0].addr)} T _stext`,
    ...syms.map((s) => `${hex(s.addr)} t ${s.name}`),
    `${hex(textEnd)} T _etext`,
    `${hex(textEnd)} T _sinittext`,
    `${hex(textEnd)} T _einittext`,
    `${hex(image.end)} B _end`,
  ].map((l) => l + "\n").join("");
}

/** The lowest and highest address of an ELF-64's PT_LOAD segments
 *  (ELF-64 Object File Format 1.5, §6: e_phoff at 0x20, e_phentsize at 0x36,
 *  e_phnum at 0x38; p_type 1 = PT_LOAD, p_vaddr at +0x10, p_memsz at +0x28). */
function loadedRange(elf: Buffer): { start: bigint; end: bigint } {
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  let start = -1n;
  let end = 0n;
  for (let i = 0; i < elf.readUInt16LE(0x38); i++) {
    const o = phoff + i * phentsize;
    if (elf.readUInt32LE(o) !== 1) continue;
    const vaddr = elf.readBigUInt64LE(o + 0x10);
    const memsz = elf.readBigUInt64LE(o + 0x28);
    if (start < 0n || vaddr < start) start = vaddr;
    if (vaddr + memsz > end) end = vaddr + memsz;
  }
  return { start: start < 0n ? 0n : start, end };
}

function guestArchive(guests: XenGuest[]): Buffer {
  const entries: { path: string; mode: number; data?: Buffer }[] = [{ path: "guest", mode: DIR }];
  // Each file travels once, however many guests boot it: the archive and its
  // unpacked copy both sit in dom0's 1 GiB (a Linux initramfs is 40 MB).
  const stored = new Map<string, string>();
  const store = (host: string, path: string) => {
    if (!stored.has(host)) {
      entries.push({ path, mode: FILE, data: readFileSync(host) });
      stored.set(host, `/${path}`);
    }
    return stored.get(host)!;
  };
  guests.forEach((g, n) => {
    entries.push({ path: `guest/${n}`, mode: DIR });
    // The rig keeps a finished domain until it has read how it ended.
    let xl = xlConfig(g.name, { memoryMiB: g.memoryMiB, cmdline: g.cmdline, vif: g.network ? `bridge=${BRIDGE}${g.mac ? `,mac=${g.mac}` : ""}` : undefined, mode: g.mode })
      .replace(/^name = "(.*)"$/m, `name = "$1-${n}"`) // each domain is kept: one name each
      .replace(/^kernel = .*$/m, `kernel = "${store(g.image, `guest/${n}/kernel`)}"`)
      .replace(/^on_(poweroff|reboot|crash) = .*$/gm, (_l, what) => `on_${what} = "preserve"`);
    if (g.ramdisk) xl += `ramdisk = "${store(g.ramdisk, `guest/${n}/ramdisk`)}"\n`;
    entries.push({ path: `guest/${n}/crust.xl`, mode: FILE, data: Buffer.from(xl) });
    const symbols = g.symbols ?? join(dirname(g.image), "crust.debug.elf");
    if (existsSync(symbols)) entries.push({ path: `guest/${n}/System.map`, mode: FILE, data: Buffer.from(systemMap(readFileSync(symbols))) });
    if (g.afterOutput) entries.push({ path: `guest/${n}/after-output`, mode: FILE, data: Buffer.from(g.afterOutput + "\n") });
    if (g.afterCreate) entries.push({ path: `guest/${n}/after-create`, mode: FILE, data: Buffer.from(g.afterCreate + "\n") });
  });
  entries.push({ path: "guest/run", mode: EXEC, data: Buffer.from(runScript(guests.length, guests.some((g) => g.network))) });
  return cpio(entries);
}

export function qemuArgsForRig(rig: { xen: string; kernel: string }, initrd: string): string[] {
  return [
    "-cpu", "max", "-m", "2048", "-smp", "2", "-nic", "none", "-no-reboot",
    "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
    "-kernel", rig.xen,
    // smap=0: without it dom0 dies at its first exception bounce under TCG.
    // dom0_max_vcpus=1: dom0 reached /init in 15 s instead of 22 s, and xl
    // create -> first guest output fell from 3-5 s to under 1 s (measured here).
    // serial_tx_buffer: dom0 relays a guest's console through Xen's serial
    // port, whose transmit buffer (16 KiB by default) drops characters when a
    // burst outruns the emulated UART; a guest printing 100 KB at once lost
    // 9-45 KB in the middle.
    "-append", "console=com1 com1=115200,8n1 serial_tx_buffer=1M dom0_mem=1024M,max:1024M dom0_max_vcpus=1 loglvl=all guest_loglvl=all bootscrub=0 smap=0",
    "-initrd", `${rig.kernel} console=hvc0 earlyprintk=xen rdinit=/init quiet,${initrd}`,
  ];
}

export interface RigRunOptions {
  log?: (line: string) => void;
  /** Each line of a guest's console as it arrives. */
  onGuestLine?: (guest: number, line: string) => void;
  /** Kill the rig after this long (default: never, as for any VM). */
  timeoutMs?: number;
}

/** Boot the rig once and run the guests one after another. */
export async function runGuests(guests: XenGuest[], opts: RigRunOptions = {}): Promise<GuestResult[]> {
  const log = opts.log ?? (() => {});
  const rig = ensureRig(log);
  const qemu = requireTool(TOOLS.qemu);
  const work = mkdtempSync(join(tmpdir(), "crust-xen-"));
  try {
    const initrd = join(work, "initrd.cpio");
    copyFileSync(rig.initrd, initrd);
    appendFileSync(initrd, guestArchive(guests));
    return await new Promise((resolve, reject) => {
      const p = spawn(qemu, qemuArgsForRig(rig, initrd), { stdio: ["ignore", "pipe", "pipe"] });
      const results: GuestResult[] = [];
      let serial = "";
      let pending = "";
      let current: { n: number; lines: string[]; xen: string[]; vcpu: string[] | null; inVcpu: boolean } | null = null;
      let interrupted = false;
      const onSigint = () => (interrupted = true);
      process.on("SIGINT", onSigint);
      const timer = opts.timeoutMs ? setTimeout(() => p.kill("SIGKILL"), opts.timeoutMs) : undefined;
      const onLine = (raw: string) => {
        const line = raw.replace(/\r+$/, "");
        const begin = new RegExp(`^${MARK} guest (\\d+) begin$`).exec(line);
        const end = new RegExp(`^${MARK} guest (\\d+) end reason=(\\S+) code=(\\S+) first-output=(\\S+) created=(\\S+)$`).exec(line);
        const vcpu = new RegExp(`^${MARK} guest \\d+ vcpu (begin|end)$`).exec(line);
        if (begin) current = { n: Number(begin[1]), lines: [], xen: [], vcpu: null, inVcpu: false };
        else if (vcpu && current) {
          current.inVcpu = vcpu[1] === "begin";
          current.vcpu ??= [];
        } else if (end && current) {
          const reason = SHUTDOWN_REASONS[Number(end[2])] ?? "unknown";
          const code = /^-?\d+$/.test(end[3]) ? Number(end[3]) : null;
          const seconds = (s: string) => (/^[\d.]+$/.test(s) ? Number(s) : null);
          const text = (lines: string[]) => lines.map((l) => l + "\n").join("");
          results.push({
            reason, code, console: text(current.lines), firstOutputS: seconds(end[4]), createdS: seconds(end[5]), xenLog: text(current.xen),
            vcpuReport: current.vcpu ? text(current.vcpu) : null,
          });
          current = null;
        } else if (current && line.startsWith("(XEN)")) {
          current.xen.push(line);
        } else if (current?.inVcpu) {
          current.vcpu!.push(line);
        } else if (current) {
          current.lines.push(line);
          opts.onGuestLine?.(current.n, line);
        }
      };
      p.stdout.on("data", (d: Buffer) => {
        const s = d.toString("latin1");
        serial += s;
        pending += s;
        const lines = pending.split("\n");
        pending = lines.pop()!;
        for (const l of lines) onLine(l);
      });
      let stderr = "";
      p.stderr.on("data", (d) => (stderr += d));
      p.on("error", reject);
      p.on("close", (status) => {
        clearTimeout(timer);
        process.off("SIGINT", onSigint);
        if (interrupted) return reject(new CrustError("interrupted", 130));
        writeFileSync(join(tmpdir(), "crust-xen-serial.log"), serial);
        if (results.length < guests.length) {
          const tail = serial.replace(/\r/g, "").split("\n").slice(-25).join("\n");
          return reject(new CrustError(
            `the Xen rig ended after ${results.length} of ${guests.length} guests (QEMU status ${status})${stderr ? `: ${stderr.trim()}` : ""}\n${tail}`,
            1, `the whole serial log is in ${join(tmpdir(), "crust-xen-serial.log")}`));
        }
        resolve(results);
      });
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** crust run --target xen: one guest, its console on stdout; resolves to its exit code. */
export async function runXen(guest: XenGuest, log: (line: string) => void): Promise<number> {
  log(`crust: running ${domainName(guest.name)} in the Xen rig (Xen 4.17 + Debian dom0 under QEMU TCG; about half a minute)`);
  const [r] = await runGuests([guest], { log, onGuestLine: (_n, line) => process.stdout.write(line + "\n") });
  const first = r.firstOutputS === null ? "" : `, first output ${r.firstOutputS.toFixed(2)} s after xl create`;
  log(`crust: domain shut down: ${r.reason}${first}`);
  if (r.code !== null) return r.code;
  log("crust: the guest left no exit code in xenstore; Xen said:");
  log(r.xenLog.trimEnd() || "(nothing)");
  if (r.vcpuReport !== null) {
    log("crust: the guest's vCPU as Xen left it (xenctx; names from crust.debug.elf):");
    log(r.vcpuReport.trimEnd() || "(nothing)");
  }
  return r.reason === "poweroff" ? 0 : 1;
}
