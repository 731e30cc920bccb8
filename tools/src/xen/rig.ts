// The Xen rig: real Xen 4.17 with a Debian dom0, booted under QEMU TCG, that
// runs one PV guest and reports how it ended. Everything comes from Debian's
// archive and is built once into a cache outside the checkout
// (~/.cache/crust/xen-rig, or $CRUST_XEN_RIG):
//
//   xen        the hypervisor, gunzipped (QEMU's multiboot loader takes no gzip)
//   vmlinuz    dom0's kernel (Debian's linux-image-amd64)
//   dom0.cpio  dom0's root, an uncompressed cpio (faster to unpack under TCG):
//              debootstrap minbase + the xl toolstack, the Xen kernel modules,
//              and /init, which starts xenstored, xen-init-dom0 and
//              xenconsoled, runs /guest/run if there is one, and powers off.
//
// A guest reaches dom0 as a second cpio archive appended to dom0.cpio (Linux
// unpacks concatenated archives into one root): /guest/crust.elf,
// /guest/crust.xl and /guest/run (see run.ts). Facts behind the choices:
// ../shared/XEN-RIG.md in the steering repo.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, chmodSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CrustError } from "../errors.js";

/** Bump when the rig's contents change: a cached rig of another version is rebuilt. */
const RIG_VERSION = "1";
const SUITE = "bookworm";
const XEN_PACKAGE = "xen-hypervisor-4.17-amd64";
const XEN_BIN = "/usr/lib/xen-4.17/bin";
const DOM0_PACKAGES = ["xen-utils-4.17", "busybox", "kmod", "iproute2", "bridge-utils", "procps"];
/** dom0's kernel modules (XEN-RIG.md); their dependencies come along. */
const DOM0_MODULES = ["xenfs", "xen-evtchn", "xen-gntdev", "xen-gntalloc", "xen-privcmd", "xen-netback", "xen-blkback", "bridge"];
/** Host commands the build needs, and the Debian package of each. */
const BUILD_TOOLS: [string, string][] = [["debootstrap", "debootstrap"], ["cpio", "cpio"], ["dpkg-deb", "dpkg"]];

export interface Rig {
  dir: string;
  xen: string;
  kernel: string;
  initrd: string;
}

export function rigDir(): string {
  return process.env.CRUST_XEN_RIG || join(homedir(), ".cache/crust/xen-rig");
}

function rigFiles(dir: string): Rig {
  return { dir, xen: join(dir, "xen"), kernel: join(dir, "vmlinuz"), initrd: join(dir, "dom0.cpio") };
}

/** dom0's PID 1, in the order XEN-RIG.md found necessary. */
const DOM0_INIT = `#!/bin/sh
# dom0 /init of the Crust Xen rig (tools/src/xen/rig.ts).
export PATH=${XEN_BIN}:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
for m in ${DOM0_MODULES.join(" ")}; do modprobe -q $m; done
mount -t xenfs xenfs /proc/xen
mkdir -p /run/lock /run/xen /var/lib/xen /var/log/xen/console
xenstored
xen-init-dom0 >/dev/null
xenconsoled --log=guest --log-dir=/var/log/xen/console
if [ -x /guest/run ]; then
  /guest/run
else
  echo "crust xen rig: no /guest/run; a shell (exit powers off)"
  setsid sh -c 'exec sh </dev/hvc0 >/dev/hvc0 2>&1'
fi
echo o > /proc/sysrq-trigger
sleep 10
`;

function sh(what: string, script: string, log: (l: string) => void): void {
  const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    throw new CrustError(`xen rig: ${what} failed:\n${(r.stdout + r.stderr).trimEnd().split("\n").slice(-30).join("\n")}`);
  }
  log(`  rig: ${what}`);
}

function requireBuildTools(): void {
  for (const [cmd, pkg] of BUILD_TOOLS) {
    const r = spawnSync("sh", ["-c", `command -v "$0" || test -x /usr/sbin/$0 || test -x /sbin/$0`, cmd], { stdio: "ignore" });
    if (r.status !== 0) throw new CrustError(`${cmd} not found (needed to build the Xen rig)`, 1, `install it with: apt-get install ${pkg}`);
  }
  if (process.getuid?.() !== 0) throw new CrustError("building the Xen rig needs root (debootstrap)", 1, "run it once as root, or point CRUST_XEN_RIG at a built rig");
}

/** The module files to copy: the wanted ones and everything they depend on,
 *  from modules.dep (paths relative to lib/modules/VERSION). */
function moduleClosure(modulesDir: string): string[] {
  const deps = new Map<string, string[]>();
  for (const line of readFileSync(join(modulesDir, "modules.dep"), "utf8").split("\n")) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) deps.set(m[1], m[2].split(/\s+/).filter(Boolean));
  }
  const byName = new Map<string, string>();
  for (const path of deps.keys()) byName.set(path.replace(/^.*\//, "").replace(/\.ko(\.\w+)?$/, "").replace(/_/g, "-"), path);
  const out = new Set<string>();
  const add = (path: string) => {
    if (out.has(path)) return;
    out.add(path);
    for (const d of deps.get(path) ?? []) add(d);
  };
  for (const name of DOM0_MODULES) {
    const path = byName.get(name);
    if (path) add(path); // absent: built into the kernel
  }
  return [...out];
}

function buildRig(dir: string, log: (l: string) => void): void {
  requireBuildTools();
  // Each step leaves its output in the work folder, so a failed build resumes.
  const work = `${dir}.building`;
  const debs = join(work, "debs");
  const unpacked = join(work, "unpacked");
  const root = join(work, "root");
  mkdirSync(debs, { recursive: true });
  log(`crust: building the Xen rig in ${dir} (once; a few minutes)`);

  // The kernel package that linux-image-amd64 points at, and the hypervisor.
  const kernelPackageName = () =>
    /Depends: (linux-image-[\d.]+-\d+-amd64)/.exec(spawnSync("apt-cache", ["depends", "linux-image-amd64"], { encoding: "utf8" }).stdout)?.[1];
  let kernelPackage = kernelPackageName();
  if (!kernelPackage) { // a machine whose package lists were never fetched
    sh("apt-get update", "apt-get update -qq", log);
    kernelPackage = kernelPackageName();
  }
  if (!kernelPackage) throw new CrustError("xen rig: apt-cache does not know linux-image-amd64", 1, "run apt-get update");
  if (!existsSync(join(work, "vmlinuz"))) {
    sh("download Xen and the dom0 kernel", `cd ${debs} && apt-get download -q ${XEN_PACKAGE} ${kernelPackage} >/dev/null
      rm -rf ${unpacked} && mkdir -p ${unpacked} && for d in *.deb; do dpkg-deb -x "$d" ${unpacked}; done
      gunzip -c ${unpacked}/boot/xen-4.17-amd64.gz > ${work}/xen
      cp ${unpacked}/boot/vmlinuz-* ${work}/vmlinuz`, log);
  }
  if (!existsSync(join(root, "init"))) {
    sh("debootstrap dom0 (about a minute)", `rm -rf ${root}
      debootstrap --variant=minbase --include=${DOM0_PACKAGES.join(",")} ${SUITE} ${root} http://deb.debian.org/debian >${work}/debootstrap.log 2>&1 || { tail -20 ${work}/debootstrap.log; exit 1; }`, log);

    // The kernel's modules: all of them for depmod (the package ships no
    // modules.dep; dom0's own depmod runs in a chroot, so the host needs no
    // kmod), then only the ones dom0 loads and what they depend on.
    const version = readdirSync(join(unpacked, "lib/modules"))[0];
    const dest = join(root, "lib/modules", version);
    sh("modules: depmod", `rm -rf ${dest} && mkdir -p ${dirname(dest)} && cp -a ${join(unpacked, "lib/modules", version)} ${dest}
      chroot ${root} depmod ${version}`, log);
    const keep = new Set(moduleClosure(dest));
    const all = spawnSync("find", [join(dest, "kernel"), "-name", "*.ko*"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
    for (const f of all) if (!keep.has(f.slice(dest.length + 1))) rmSync(f);
    sh(`modules: keep ${keep.size}`, `chroot ${root} depmod ${version}`, log);

    // Trim what a dom0 that only runs xl never reads.
    sh("trim dom0", `cd ${root} && rm -rf usr/share/doc usr/share/man usr/share/info usr/share/locale usr/share/zoneinfo \
      var/cache/apt/* var/lib/apt/lists/* var/cache/debconf/* usr/share/common-licenses usr/lib/x86_64-linux-gnu/gconv \
      usr/share/perl* usr/lib/x86_64-linux-gnu/perl* usr/share/bash-completion usr/lib/udev/hwdb.bin usr/lib/udev/hwdb.d \
      usr/lib/python3* usr/bin/python3* usr/lib/locale usr/share/i18n`, log);
    writeFileSync(join(root, "init"), DOM0_INIT);
    chmodSync(join(root, "init"), 0o755);
  }
  sh("pack dom0.cpio", `cd ${root} && find . -print0 | cpio --null -o -H newc --quiet > ${work}/dom0.cpio`, log);

  for (const f of ["xen", "vmlinuz", "dom0.cpio"]) renameSync(join(work, f), join(dir, f));
  writeFileSync(join(dir, "VERSION"), `${RIG_VERSION}\n${kernelPackage}\n`);
  rmSync(work, { recursive: true, force: true });
}

/** The rig, built first if it is missing or of another version. */
export function ensureRig(log: (l: string) => void = () => {}): Rig {
  const dir = rigDir();
  const files = rigFiles(dir);
  const stamp = join(dir, "VERSION");
  const current = existsSync(stamp) && readFileSync(stamp, "utf8").split("\n")[0] === RIG_VERSION;
  if (current && [files.xen, files.kernel, files.initrd].every((f) => existsSync(f))) return files;
  mkdirSync(dir, { recursive: true });
  rmSync(stamp, { force: true });
  buildRig(dir, log);
  return files;
}

// node tools/dist/src/xen/rig.js: build the rig (if needed) and say where it is.
if (process.argv[1] && /xen\/rig\.js$/.test(process.argv[1])) {
  try {
    const r = ensureRig((l) => process.stderr.write(l + "\n"));
    process.stdout.write(`${r.dir}\n`);
  } catch (e) {
    if (e instanceof CrustError) {
      process.stderr.write(`crust: ${e.message}\n${e.hint ? `  (${e.hint})\n` : ""}`);
      process.exit(e.exitCode);
    }
    throw e;
  }
}
