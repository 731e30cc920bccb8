// PCI configuration space through the x86 configuration mechanism #1
// (PCI Local Bus Specification 3.0 §3.2.2.3.2: CONFIG_ADDRESS at 0xCF8,
// CONFIG_DATA at 0xCFC), a scan of the bus tree, BAR decoding (§6.2.5.1) and
// the capability list (§6.7).
//
// Guarantees: nothing here panics on what a device reports. A BAR the
// machine layer cannot reach (outside the 0xC0000000-0xFFFFFFFF device hole,
// e.g. a 64-bit BAR placed above 4 GiB) is returned with `error` set, so the
// driver can say so instead of faulting. Only port I/O from crust/boundary is
// used; the scan follows PCI-to-PCI bridges instead of probing all 256 buses.
import { io_read, io_write } from "crust/boundary";

// §3.2.2.3.2: the configuration mechanism's two ports.
const CONFIG_ADDRESS: u32 = 0xcf8;
const CONFIG_DATA: u32 = 0xcfc;
const CONFIG_ENABLE: u32 = 0x80000000;

// §6.1, figure 6-1: the predefined header.
export const PCI_VENDOR_ID: u32 = 0x00;
export const PCI_DEVICE_ID: u32 = 0x02;
export const PCI_COMMAND: u32 = 0x04;
export const PCI_STATUS: u32 = 0x06;
export const PCI_REVISION_CLASS: u32 = 0x08;
export const PCI_HEADER_TYPE: u32 = 0x0e;
export const PCI_BAR0: u32 = 0x10;
export const PCI_SUBSYSTEM_VENDOR_ID: u32 = 0x2c;
export const PCI_SUBSYSTEM_ID: u32 = 0x2e;
export const PCI_CAPABILITIES_POINTER: u32 = 0x34;
export const PCI_INTERRUPT_LINE: u32 = 0x3c;
export const PCI_INTERRUPT_PIN: u32 = 0x3d;
// PCI-to-PCI Bridge Architecture Specification 1.2 §3.2: type 1 header.
const PCI_SECONDARY_BUS: u32 = 0x19;

// §6.2.2: command register bits.
export const PCI_COMMAND_IO: u16 = 1 << 0;
export const PCI_COMMAND_MEMORY: u16 = 1 << 1;
export const PCI_COMMAND_BUS_MASTER: u16 = 1 << 2;
export const PCI_COMMAND_INTX_DISABLE: u16 = 1 << 10;
// §6.2.3: status register bit 4, a capability list is present.
const PCI_STATUS_CAP_LIST: u16 = 1 << 4;
// §6.2.1: header type bit 7 marks a multi-function device; bits 6:0 the layout.
const HEADER_MULTI_FUNCTION: u8 = 0x80;
const HEADER_LAYOUT_MASK: u8 = 0x7f;
const HEADER_BRIDGE: u8 = 0x01;
// §6.2.5.1: base address register bits.
const BAR_IO_SPACE: u32 = 1 << 0;
const BAR_MEM_TYPE_MASK: u32 = 0x6;
const BAR_MEM_TYPE_64: u32 = 0x4;
const BAR_MEM_PREFETCHABLE: u32 = 1 << 3;
const BAR_MEM_ADDRESS_MASK: u32 = 0xfffffff0;
const BAR_IO_ADDRESS_MASK: u32 = 0xfffffffc;

const MAX_DEVICES: u8 = 32;
const MAX_FUNCTIONS: u8 = 8;
const NO_VENDOR: u16 = 0xffff;
// §6.7: a capability list lives in the 192 bytes after the header; a longer
// walk means the list loops.
const MAX_CAPABILITIES: i32 = 48;

// The device hole that crust/boundary's mmio_read/mmio_write reach
// (machine/x86_64/imports.c, MMIO_LOW..MMIO_HIGH).
export const MMIO_WINDOW_LOW: u64 = 0xc0000000;
export const MMIO_WINDOW_HIGH: u64 = 0x100000000;

function configAddress(bus: u8, device: u8, fn: u8, offset: u32): u32 {
  return CONFIG_ENABLE | (<u32>bus << 16) | (<u32>device << 11) | (<u32>fn << 8) | (offset & 0xfc);
}

export function configRead32(bus: u8, device: u8, fn: u8, offset: u32): u32 {
  io_write(CONFIG_ADDRESS, 4, configAddress(bus, device, fn, offset));
  return io_read(CONFIG_DATA, 4);
}

export function configRead16(bus: u8, device: u8, fn: u8, offset: u32): u16 {
  io_write(CONFIG_ADDRESS, 4, configAddress(bus, device, fn, offset));
  return <u16>io_read(CONFIG_DATA + (offset & 2), 2);
}

export function configRead8(bus: u8, device: u8, fn: u8, offset: u32): u8 {
  io_write(CONFIG_ADDRESS, 4, configAddress(bus, device, fn, offset));
  return <u8>io_read(CONFIG_DATA + (offset & 3), 1);
}

export function configWrite32(bus: u8, device: u8, fn: u8, offset: u32, value: u32): void {
  io_write(CONFIG_ADDRESS, 4, configAddress(bus, device, fn, offset));
  io_write(CONFIG_DATA, 4, value);
}

export function configWrite16(bus: u8, device: u8, fn: u8, offset: u32, value: u16): void {
  io_write(CONFIG_ADDRESS, 4, configAddress(bus, device, fn, offset));
  io_write(CONFIG_DATA + (offset & 2), 2, value);
}

export function configWrite8(bus: u8, device: u8, fn: u8, offset: u32, value: u8): void {
  io_write(CONFIG_ADDRESS, 4, configAddress(bus, device, fn, offset));
  io_write(CONFIG_DATA + (offset & 3), 1, value);
}

export enum BarKind { None = 0, Io = 1, Memory = 2 }

/** One decoded base address register. */
export class PciBar {
  kind: BarKind = BarKind.None;
  index: i32 = 0;
  /** Bus address of the region (port number for I/O BARs). */
  address: u64 = 0;
  /** Size in bytes; 0 for an unimplemented BAR. */
  size: u64 = 0;
  is64: bool = false;
  prefetchable: bool = false;
  /** Why a memory BAR cannot be used through mmio_read/mmio_write, or null. */
  error: string | null = null;

  /** True for a memory BAR that mmio_read/mmio_write can reach. */
  get usable(): bool { return this.kind == BarKind.Memory && this.error === null; }
}

function hex(v: u64, digits: i32 = 0): string {
  let s = v.toString(16);
  while (s.length < digits) s = "0" + s;
  return s;
}

/** One function of one device on one bus. */
export class PciFunction {
  vendorId: u16;
  deviceId: u16;
  classCode: u8;
  subclass: u8;
  progIf: u8;
  revision: u8;
  headerType: u8;

  constructor(public bus: u8, public device: u8, public fn: u8) {
    this.vendorId = this.read16(PCI_VENDOR_ID);
    this.deviceId = this.read16(PCI_DEVICE_ID);
    const rc = this.read32(PCI_REVISION_CLASS);
    this.revision = <u8>rc;
    this.progIf = <u8>(rc >> 8);
    this.subclass = <u8>(rc >> 16);
    this.classCode = <u8>(rc >> 24);
    this.headerType = this.read8(PCI_HEADER_TYPE) & HEADER_LAYOUT_MASK;
  }

  read8(offset: u32): u8 { return configRead8(this.bus, this.device, this.fn, offset); }
  read16(offset: u32): u16 { return configRead16(this.bus, this.device, this.fn, offset); }
  read32(offset: u32): u32 { return configRead32(this.bus, this.device, this.fn, offset); }
  write8(offset: u32, v: u8): void { configWrite8(this.bus, this.device, this.fn, offset, v); }
  write16(offset: u32, v: u16): void { configWrite16(this.bus, this.device, this.fn, offset, v); }
  write32(offset: u32, v: u32): void { configWrite32(this.bus, this.device, this.fn, offset, v); }

  /** "00:03.0" */
  get address(): string {
    return hex(this.bus, 2) + ":" + hex(this.device, 2) + "." + this.fn.toString();
  }

  get subsystemVendorId(): u16 { return this.headerType == 0 ? this.read16(PCI_SUBSYSTEM_VENDOR_ID) : 0; }
  get subsystemId(): u16 { return this.headerType == 0 ? this.read16(PCI_SUBSYSTEM_ID) : 0; }

  /** §6.2.4: the interrupt line register, as firmware routed it (0xff: none). */
  get interruptLine(): u8 { return this.read8(PCI_INTERRUPT_LINE); }
  /** §6.2.4: 0 = no INTx, 1..4 = INTA#..INTD#. */
  get interruptPin(): u8 { return this.read8(PCI_INTERRUPT_PIN); }

  /** Let the function decode its memory BARs and master DMA; leave INTx on. */
  enableMemoryAndBusMaster(): void {
    const cmd = this.read16(PCI_COMMAND);
    this.write16(PCI_COMMAND, (cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_BUS_MASTER) & ~PCI_COMMAND_INTX_DISABLE);
  }

  /** Number of BARs the header layout has (6 for devices, 2 for bridges). */
  get barCount(): i32 { return this.headerType == 0 ? 6 : this.headerType == HEADER_BRIDGE ? 2 : 0; }

  /** Decode BAR `index` and size it (§6.2.5.1: write all ones, read back).
   *  Decoding is switched off while the BAR holds the sizing pattern. A
   *  64-bit BAR is read at its lower index; the upper index reads as None. */
  bar(index: i32): PciBar {
    const b = new PciBar();
    b.index = index;
    if (index < 0 || index >= this.barCount) return b;
    const off = PCI_BAR0 + 4 * <u32>index;
    const low = this.read32(off);
    if (this.isUpperHalfOf64(index)) return b;

    const cmd = this.read16(PCI_COMMAND);
    this.write16(PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    if (low & BAR_IO_SPACE) {
      this.write32(off, 0xffffffff);
      const mask = this.read32(off) & BAR_IO_ADDRESS_MASK & 0xffff;
      this.write32(off, low);
      if (mask != 0) {
        b.kind = BarKind.Io;
        b.address = low & BAR_IO_ADDRESS_MASK;
        b.size = <u64>((~mask & 0xffff) + 1);
      }
    } else {
      b.is64 = (low & BAR_MEM_TYPE_MASK) == BAR_MEM_TYPE_64 && index + 1 < this.barCount;
      b.prefetchable = (low & BAR_MEM_PREFETCHABLE) != 0;
      let high: u32 = 0;
      this.write32(off, 0xffffffff);
      let mask = <u64>(this.read32(off) & BAR_MEM_ADDRESS_MASK);
      this.write32(off, low);
      if (b.is64) {
        high = this.read32(off + 4);
        this.write32(off + 4, 0xffffffff);
        mask |= <u64>this.read32(off + 4) << 32;
        this.write32(off + 4, high);
      } else {
        mask |= 0xffffffff00000000;
      }
      if ((mask & 0xffffffff) != 0 || (b.is64 && mask != 0)) {
        b.kind = BarKind.Memory;
        b.address = (<u64>high << 32) | <u64>(low & BAR_MEM_ADDRESS_MASK);
        b.size = ~mask + 1;
        b.error = reachability(this.address, index, b.address, b.size);
      }
    }
    this.write16(PCI_COMMAND, cmd);
    return b;
  }

  /** True when BAR `index` holds the upper half of the 64-bit BAR before it:
   *  walk the BARs from 0, a 64-bit memory BAR taking two slots. */
  private isUpperHalfOf64(index: i32): bool {
    let i = 0;
    while (i < index) {
      const v = this.read32(PCI_BAR0 + 4 * <u32>i);
      i += (v & BAR_IO_SPACE) == 0 && (v & BAR_MEM_TYPE_MASK) == BAR_MEM_TYPE_64 ? 2 : 1;
    }
    return i > index;
  }

  /** Offsets of the capabilities with this ID (§6.7), in list order. */
  findCapabilities(id: u8): u32[] {
    const found: u32[] = [];
    if ((this.read16(PCI_STATUS) & PCI_STATUS_CAP_LIST) == 0) return found;
    let ptr = <u32>(this.read8(PCI_CAPABILITIES_POINTER) & 0xfc);
    for (let n = 0; ptr >= 0x40 && ptr < 0x100 && n < MAX_CAPABILITIES; n++) {
      if (this.read8(ptr) == id) found.push(ptr);
      ptr = <u32>(this.read8(ptr + 1) & 0xfc);
    }
    return found;
  }

  describe(): string {
    return this.address + " " + hex(this.vendorId, 4) + ":" + hex(this.deviceId, 4) +
      " class " + hex(this.classCode, 2) + hex(this.subclass, 2);
  }
}

function reachability(where: string, index: i32, address: u64, size: u64): string | null {
  if (address >= MMIO_WINDOW_HIGH) {
    return "BAR" + index.toString() + " of " + where + " is at 0x" + hex(address) +
      ", above 4 GiB, which mmio_read/mmio_write cannot reach (the machine layer maps devices only in " +
      "0xc0000000-0xffffffff); firmware puts 64-bit BARs there when the 32-bit PCI window is full";
  }
  if (address < MMIO_WINDOW_LOW || address + size > MMIO_WINDOW_HIGH) {
    return "BAR" + index.toString() + " of " + where + " at 0x" + hex(address) + " (size 0x" + hex(size) +
      ") lies outside the device window 0xc0000000-0xffffffff";
  }
  return null;
}

function functionPresent(bus: u8, device: u8, fn: u8): bool {
  return configRead16(bus, device, fn, PCI_VENDOR_ID) != NO_VENDOR;
}

/** True when configuration mechanism #1 answers (q35, pc; not microvm). */
export function pciPresent(): bool {
  return functionPresent(0, 0, 0);
}

/** Every function reachable from bus 0, following PCI-to-PCI bridges. */
export function scanPci(): PciFunction[] {
  const found: PciFunction[] = [];
  const seen = new StaticArray<bool>(256);
  scanBus(0, found, seen);
  return found;
}

function scanBus(bus: u8, found: PciFunction[], seen: StaticArray<bool>): void {
  if (seen[bus]) return; // a misconfigured bridge must not loop the scan
  seen[bus] = true;
  for (let dev: u8 = 0; dev < MAX_DEVICES; dev++) {
    if (!functionPresent(bus, dev, 0)) continue;
    const multi = (configRead8(bus, dev, 0, PCI_HEADER_TYPE) & HEADER_MULTI_FUNCTION) != 0;
    const fns: u8 = multi ? MAX_FUNCTIONS : 1;
    for (let fn: u8 = 0; fn < fns; fn++) {
      if (fn > 0 && !functionPresent(bus, dev, fn)) continue;
      const f = new PciFunction(bus, dev, fn);
      found.push(f);
      if (f.headerType == HEADER_BRIDGE) {
        const secondary = f.read8(PCI_SECONDARY_BUS);
        if (secondary != 0) scanBus(secondary, found, seen);
      }
    }
  }
}
