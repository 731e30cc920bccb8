// The qemu target's platform: started by the generated entry after the
// kernel has booted and before the app's main. startPlatform() starts
// interrupt dispatch; startDevices() — called only for apps that use devices
// (they import crust/net, crust/http or crust/dev), so that an app links only
// the drivers it needs — finds the virtio devices and starts their drivers:
//  - `-M microvm`: virtio-mmio transports, announced by QEMU on the command
//    line as `virtio_mmio.device=<size>@<base>:<gsi>` (the Linux syntax,
//    drivers/virtio/virtio_mmio.c); their lines are edge-triggered;
//  - `-M q35` / `-M pc`: virtio-pci functions found by a PCI scan; INTx lines,
//    level-triggered, on the GSI that firmware wrote to the interrupt line
//    register.
// Network devices join crust/dev/net's netDevices; entropy devices feed the
// kernel's generator.
import { kernelOptionAll } from "crust/core/args";
import { netDevices } from "crust/dev/net";
import * as log from "crust/core/log";
import { mmio_read } from "crust/boundary";
import { startIrqDispatch } from "../x86/irq";
import { pciPresent, scanPci, MMIO_WINDOW_LOW, MMIO_WINDOW_HIGH } from "../x86/pci";
import { VirtioTransport, VIRTIO_ID_NET, VIRTIO_ID_RNG } from "../virtio/transport";
import { VirtioMmioTransport } from "../virtio/mmio";
import { VirtioPciTransport, virtioDeviceId } from "../virtio/pci";
import { VirtioNet } from "../virtio/net";
import { VirtioRng, rngDevices } from "../virtio/rng";

const MMIO_OPTION = "virtio_mmio.device";

// QEMU hw/i386/microvm.h: VIRTIO_MMIO_BASE, 512 bytes per transport, up to
// 24 transports (with the second I/O APIC). Only looked at to explain a
// missing command line.
const MICROVM_VIRTIO_BASE: u64 = 0xfeb00000;
const MICROVM_VIRTIO_STRIDE: u64 = 512;
const MICROVM_VIRTIO_SLOTS: i32 = 24;
const VIRTIO_MMIO_MAGIC: u32 = 0x74726976; // virtio 1.2 §4.2.2: "virt"
const VIRTIO_MMIO_DEVICE_ID: u64 = 0x008;

export function startPlatform(): void {
  startIrqDispatch();
}

export function startDevices(): void {
  let found = startMmioDevices();
  if (pciPresent()) found += startPciDevices();
  else if (found == 0) explainMissingMmio();
  if (found == 0) log.debug("platform", "no virtio devices");
}

// ---- virtio-mmio (microvm) ---------------------------------------------------

/** One `virtio_mmio.device=` entry. */
class MmioEntry {
  size: u64 = 0;
  base: u64 = 0;
  gsi: u32 = 0;
}

function startMmioDevices(): i32 {
  const values = kernelOptionAll(MMIO_OPTION);
  let started = 0;
  for (let i = 0; i < values.length; i++) {
    const e = parseMmioEntry(values[i]);
    if (e === null) {
      log.error("platform", "cannot parse " + MMIO_OPTION + "=" + values[i] + " (expected <size>@<address>:<gsi>)");
      continue;
    }
    if (e.base < MMIO_WINDOW_LOW || e.base + e.size > MMIO_WINDOW_HIGH) {
      log.error("platform", MMIO_OPTION + "=" + values[i] + " lies outside the device window 0xc0000000-0xffffffff");
      continue;
    }
    const p = VirtioMmioTransport.probe(e.base, e.size, e.gsi);
    const err = p.error;
    if (err !== null) { log.error("platform", err); continue; }
    const t = p.transport;
    if (t === null) continue; // an empty transport slot
    if (startDevice(t)) started++;
  }
  return started;
}

/** Parse `<size>@<base>:<gsi>[:<id>]`; size may end in K, M or G. */
function parseMmioEntry(v: string): MmioEntry | null {
  const at = v.indexOf("@");
  const colon = v.indexOf(":", at + 1);
  if (at <= 0 || colon < 0) return null;
  let sizeText = v.slice(0, at);
  let scale: u64 = 1;
  const unit = sizeText.charCodeAt(sizeText.length - 1) | 0x20; // lower case
  if (unit == 0x6b) scale = 1 << 10;      // k
  else if (unit == 0x6d) scale = 1 << 20; // m
  else if (unit == 0x67) scale = 1 << 30; // g
  if (scale != 1) sizeText = sizeText.slice(0, sizeText.length - 1);
  let end = v.indexOf(":", colon + 1);
  if (end < 0) end = v.length;
  const size = parseNumber(sizeText);
  const base = parseNumber(v.slice(at + 1, colon));
  const gsi = parseNumber(v.slice(colon + 1, end));
  if (size <= 0 || base < 0 || gsi < 0 || gsi > 0xffffffff) return null;
  const e = new MmioEntry();
  e.size = <u64>size * scale;
  e.base = <u64>base;
  e.gsi = <u32>gsi;
  return e;
}

/** A decimal or 0x-prefixed hexadecimal number below 2^62; -1 if malformed. */
function parseNumber(s: string): i64 {
  let i = 0;
  let radix: i64 = 10;
  if (s.length > 2 && s.charCodeAt(0) == 0x30 && (s.charCodeAt(1) | 0x20) == 0x78) { radix = 16; i = 2; }
  if (i >= s.length) return -1;
  let v: i64 = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: i64;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (radix == 16 && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x61 + 10;
    else return -1;
    v = v * radix + d;
    if (v >= (<i64>1 << 62)) return -1;
  }
  return v;
}

/** No PCI and no announced virtio-mmio devices: if microvm's transports hold
 *  devices anyway, say why they cannot be used. */
function explainMissingMmio(): void {
  let devices = 0;
  for (let i = 0; i < MICROVM_VIRTIO_SLOTS; i++) {
    const base = MICROVM_VIRTIO_BASE + <u64>i * MICROVM_VIRTIO_STRIDE;
    if (<u32>mmio_read(base, 4) != VIRTIO_MMIO_MAGIC) return; // not microvm
    if (<u32>mmio_read(base + VIRTIO_MMIO_DEVICE_ID, 4) != 0) devices++;
  }
  if (devices == 0) return;
  log.error("platform", devices.toString() + " virtio-mmio device(s) present but not announced with " +
    MMIO_OPTION + "=: QEMU microvm lists them only with ACPI off, and with ACPI on it wires them to a " +
    "second I/O APIC (GSI 24 and up) that the machine layer does not route; boot with -M microvm,acpi=off");
}

// ---- virtio-pci (q35, pc) ------------------------------------------------------

function startPciDevices(): i32 {
  const fns = scanPci();
  log.debug("platform", "PCI: " + fns.length.toString() + " functions");
  let started = 0;
  for (let i = 0; i < fns.length; i++) {
    const f = fns[i];
    if (virtioDeviceId(f) == 0) continue;
    const p = VirtioPciTransport.probe(f);
    const err = p.error;
    if (err !== null) { log.error("platform", err); continue; }
    const t = p.transport;
    if (t === null) continue;
    if (!t.hasInterruptLine) {
      log.error("platform", "virtio-pci " + f.address + ": no INTx line routed by firmware (interrupt pin " +
        f.interruptPin.toString() + ", line " + f.interruptLine.toString() + ")");
      continue;
    }
    if (startDevice(t)) started++;
  }
  return started;
}

// ---- drivers ------------------------------------------------------------------

function startDevice(t: VirtioTransport): bool {
  const type = t.deviceType();
  if (type == VIRTIO_ID_NET) {
    const net = VirtioNet.start(t);
    if (net === null) return false;
    netDevices.push(net);
    log.info("platform", "virtio-net at " + t.describe() + ", MAC " + net.macString() +
      (net.txChecksumOffload ? ", checksum offload" : ""));
    return true;
  }
  if (type == VIRTIO_ID_RNG) {
    const rng = VirtioRng.start(t);
    if (rng === null) return false;
    rngDevices.push(rng);
    log.info("platform", "virtio-rng at " + t.describe() + ", " + rng.bytesReceived.toString() + " bytes of entropy mixed in");
    return true;
  }
  log.info("platform", "virtio device type " + type.toString() + " at " + t.describe() + ": no driver");
  return false;
}
