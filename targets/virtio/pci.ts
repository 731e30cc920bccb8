// The modern virtio-pci transport (virtio 1.2 §4.1): the device's registers
// are found through vendor-specific PCI capabilities that point into its
// memory BARs: common configuration, notifications, ISR status and device
// configuration (§4.1.4). Legacy (I/O port, §4.1.4.10) access is not used;
// transitional devices are driven through their modern interface.
// Interrupts are PCI INTx (level-triggered): MSI-X is left disabled, so the
// device signals its interrupt line and the ISR register tells the cause.
import { mmio_read, mmio_write } from "crust/boundary";
import { PciFunction, PciBar } from "../x86/pci";
import { VirtioTransport } from "./transport";

// virtio 1.2 §4.1.2: PCI vendor and device IDs.
export const VIRTIO_PCI_VENDOR: u16 = 0x1af4;
const MODERN_DEVICE_ID_BASE: u16 = 0x1040; // 0x1040 + virtio device ID
const TRANSITIONAL_FIRST: u16 = 0x1000;    // transitional: 0x1000..0x103f,
const TRANSITIONAL_LAST: u16 = 0x103f;     // virtio ID in the subsystem ID
const MODERN_LAST: u16 = 0x107f;

// PCI 3.0 §6.7 / appendix H: capability ID 0x09, vendor specific.
const PCI_CAP_ID_VENDOR: u8 = 0x09;
// virtio 1.2 §4.1.4: struct virtio_pci_cap fields and cfg_type values.
const CAP_CFG_TYPE: u32 = 3;
const CAP_BAR: u32 = 4;
const CAP_OFFSET: u32 = 8;
const CAP_LENGTH: u32 = 12;
const CAP_NOTIFY_OFF_MULTIPLIER: u32 = 16; // §4.1.4.4: struct virtio_pci_notify_cap
const VIRTIO_PCI_CAP_COMMON_CFG: u8 = 1;
const VIRTIO_PCI_CAP_NOTIFY_CFG: u8 = 2;
const VIRTIO_PCI_CAP_ISR_CFG: u8 = 3;
const VIRTIO_PCI_CAP_DEVICE_CFG: u8 = 4;
const MAX_BAR_INDEX: u8 = 5;

// virtio 1.2 §4.1.4.3: struct virtio_pci_common_cfg.
const COMMON_DEVICE_FEATURE_SELECT: u64 = 0x00;
const COMMON_DEVICE_FEATURE: u64 = 0x04;
const COMMON_DRIVER_FEATURE_SELECT: u64 = 0x08;
const COMMON_DRIVER_FEATURE: u64 = 0x0c;
const COMMON_NUM_QUEUES: u64 = 0x12;
const COMMON_DEVICE_STATUS: u64 = 0x14;
const COMMON_CONFIG_GENERATION: u64 = 0x15;
const COMMON_QUEUE_SELECT: u64 = 0x16;
const COMMON_QUEUE_SIZE: u64 = 0x18;
const COMMON_QUEUE_ENABLE: u64 = 0x1c;
const COMMON_QUEUE_NOTIFY_OFF: u64 = 0x1e;
const COMMON_QUEUE_DESC: u64 = 0x20;
const COMMON_QUEUE_DRIVER: u64 = 0x28;
const COMMON_QUEUE_DEVICE: u64 = 0x30;
const COMMON_CFG_SIZE: u64 = 0x38;
// §4.1.4.5: the ISR status is one byte.
const ISR_SIZE: u64 = 1;
// §4.1.4.5: ISR bits 0 (queue) and 1 (configuration change).
const ISR_CAUSE_MASK: u32 = 0x3;

/** The virtio device ID of a PCI function, or 0 when it is not virtio. */
export function virtioDeviceId(f: PciFunction): u32 {
  if (f.vendorId != VIRTIO_PCI_VENDOR) return 0;
  const id = f.deviceId;
  if (id >= MODERN_DEVICE_ID_BASE && id <= MODERN_LAST) return <u32>(id - MODERN_DEVICE_ID_BASE);
  if (id >= TRANSITIONAL_FIRST && id <= TRANSITIONAL_LAST) return <u32>f.subsystemId;
  return 0;
}

/** A register region inside a memory BAR, from one virtio capability. */
class Region {
  address: u64 = 0;
  length: u64 = 0;
  found: bool = false;
}

export class PciProbe {
  transport: VirtioPciTransport | null = null;
  error: string | null = null;
}

export class VirtioPciTransport extends VirtioTransport {
  common: Region = new Region();
  notifyBase: Region = new Region();
  isr: Region = new Region();
  device: Region = new Region();
  notifyMultiplier: u32 = 0;
  private id: u32;

  private constructor(public fn: PciFunction, id: u32) {
    super();
    this.id = id;
  }

  /** Find the capabilities of a virtio PCI function (§4.1.4) and wrap it.
   *  The GSI is the interrupt line register that firmware programmed: PCI
   *  INTx, level-triggered (active low). */
  static probe(f: PciFunction): PciProbe {
    const p = new PciProbe();
    const id = virtioDeviceId(f);
    const t = new VirtioPciTransport(f, id);
    const bars = new Array<PciBar | null>(6);
    const caps = f.findCapabilities(PCI_CAP_ID_VENDOR);
    for (let i = 0; i < caps.length; i++) {
      const cap = caps[i];
      const type = f.read8(cap + CAP_CFG_TYPE);
      const region = t.regionFor(type);
      // §4.1.4.1: several capabilities of a type may exist, the first usable
      // one is preferred; reserved BAR numbers are ignored.
      if (region === null || region.found) continue;
      const barIndex = f.read8(cap + CAP_BAR);
      if (barIndex > MAX_BAR_INDEX) continue;
      let bar = bars[barIndex];
      if (bar === null) { bar = f.bar(barIndex); bars[barIndex] = bar; }
      const offset = <u64>f.read32(cap + CAP_OFFSET);
      const length = <u64>f.read32(cap + CAP_LENGTH);
      if (!bar.usable) {
        const why = bar.error;
        p.error = why !== null ? "virtio-pci: " + why : "virtio-pci " + f.address + ": capability in BAR" +
          barIndex.toString() + ", which is not a memory BAR";
        continue;
      }
      if (offset + length > bar.size) {
        p.error = "virtio-pci " + f.address + ": capability region beyond BAR" + barIndex.toString();
        continue;
      }
      region.address = bar.address + offset;
      region.length = length;
      region.found = true;
      if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) t.notifyMultiplier = f.read32(cap + CAP_NOTIFY_OFF_MULTIPLIER);
    }
    if (!t.common.found || !t.notifyBase.found || !t.isr.found) {
      if (p.error === null) p.error = "virtio-pci " + f.address + ": no modern virtio capabilities (legacy-only device)";
      return p;
    }
    if (t.common.length < COMMON_CFG_SIZE || t.isr.length < ISR_SIZE) {
      p.error = "virtio-pci " + f.address + ": common or ISR configuration region too small";
      return p;
    }
    p.error = null;
    f.enableMemoryAndBusMaster();
    t.gsi = f.interruptLine;
    t.levelTriggered = true;
    p.transport = t;
    return p;
  }

  private regionFor(type: u8): Region | null {
    if (type == VIRTIO_PCI_CAP_COMMON_CFG) return this.common;
    if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) return this.notifyBase;
    if (type == VIRTIO_PCI_CAP_ISR_CFG) return this.isr;
    if (type == VIRTIO_PCI_CAP_DEVICE_CFG) return this.device;
    return null;
  }

  /** True when the function signals INTx and firmware routed it to a line. */
  get hasInterruptLine(): bool {
    const pin = this.fn.interruptPin;
    const line = this.fn.interruptLine;
    return pin >= 1 && pin <= 4 && line != 0xff;
  }

  deviceType(): u32 { return this.id; }
  describe(): string { return "virtio-pci " + this.fn.address + " (GSI " + this.gsi.toString() + ")"; }

  private common8(reg: u64): u8 { return <u8>mmio_read(this.common.address + reg, 1); }
  private common16(reg: u64): u16 { return <u16>mmio_read(this.common.address + reg, 2); }
  private common32(reg: u64): u32 { return <u32>mmio_read(this.common.address + reg, 4); }
  private setCommon8(reg: u64, v: u8): void { mmio_write(this.common.address + reg, 1, v); }
  private setCommon16(reg: u64, v: u16): void { mmio_write(this.common.address + reg, 2, v); }
  private setCommon32(reg: u64, v: u32): void { mmio_write(this.common.address + reg, 4, v); }
  // §4.1.3.1: a 64-bit field may be written as two 32-bit halves, low first.
  private setCommon64(reg: u64, v: u64): void {
    this.setCommon32(reg, <u32>v);
    this.setCommon32(reg + 4, <u32>(v >> 32));
  }

  deviceFeatures(): u64 {
    this.setCommon32(COMMON_DEVICE_FEATURE_SELECT, 0);
    const low = this.common32(COMMON_DEVICE_FEATURE);
    this.setCommon32(COMMON_DEVICE_FEATURE_SELECT, 1);
    const high = this.common32(COMMON_DEVICE_FEATURE);
    return (<u64>high << 32) | low;
  }

  setDriverFeatures(features: u64): void {
    this.setCommon32(COMMON_DRIVER_FEATURE_SELECT, 0);
    this.setCommon32(COMMON_DRIVER_FEATURE, <u32>features);
    this.setCommon32(COMMON_DRIVER_FEATURE_SELECT, 1);
    this.setCommon32(COMMON_DRIVER_FEATURE, <u32>(features >> 32));
  }

  status(): u8 { return this.common8(COMMON_DEVICE_STATUS); }
  setStatus(status: u8): void { this.setCommon8(COMMON_DEVICE_STATUS, status); }
  configGeneration(): u32 { return this.common8(COMMON_CONFIG_GENERATION); }

  /** Device configuration reads stay inside the device region; a device
   *  without one (or an offset beyond it) reads as zeros. */
  private deviceAddress(offset: u32, width: u32): u64 {
    if (!this.device.found || <u64>offset + width > this.device.length) return 0;
    return this.device.address + offset;
  }
  configRead8(offset: u32): u8 {
    const a = this.deviceAddress(offset, 1);
    return a == 0 ? 0 : <u8>mmio_read(a, 1);
  }
  configRead16(offset: u32): u16 {
    const a = this.deviceAddress(offset, 2);
    return a == 0 ? 0 : <u16>mmio_read(a, 2);
  }
  configRead32(offset: u32): u32 {
    const a = this.deviceAddress(offset, 4);
    return a == 0 ? 0 : <u32>mmio_read(a, 4);
  }

  queueCount(): u16 { return this.common16(COMMON_NUM_QUEUES); }

  queueMaxSize(index: u16): u16 {
    if (index >= this.queueCount()) return 0;
    this.setCommon16(COMMON_QUEUE_SELECT, index);
    if (this.common16(COMMON_QUEUE_ENABLE) != 0) return 0;
    return this.common16(COMMON_QUEUE_SIZE);
  }

  private notifyAddress: StaticArray<u64> = new StaticArray<u64>(0);

  // §4.1.5.1.3: virtqueue configuration.
  enableQueue(index: u16, size: u16, desc: u64, driver: u64, device: u64): bool {
    this.setCommon16(COMMON_QUEUE_SELECT, index);
    this.setCommon16(COMMON_QUEUE_SIZE, size);
    this.setCommon64(COMMON_QUEUE_DESC, desc);
    this.setCommon64(COMMON_QUEUE_DRIVER, driver);
    this.setCommon64(COMMON_QUEUE_DEVICE, device);
    // §4.1.4.4: the queue's notification address.
    const off = <u64>this.common16(COMMON_QUEUE_NOTIFY_OFF) * <u64>this.notifyMultiplier;
    if (off + 2 > this.notifyBase.length) return false;
    this.rememberNotifyAddress(index, this.notifyBase.address + off);
    this.setCommon16(COMMON_QUEUE_ENABLE, 1);
    return this.common16(COMMON_QUEUE_ENABLE) == 1;
  }

  private rememberNotifyAddress(index: u16, address: u64): void {
    if (<i32>index >= this.notifyAddress.length) {
      const grown = new StaticArray<u64>(<i32>index + 1);
      for (let i = 0; i < this.notifyAddress.length; i++) grown[i] = this.notifyAddress[i];
      this.notifyAddress = grown;
    }
    this.notifyAddress[index] = address;
  }

  // §4.1.5.2: the driver writes the queue index to its notification address.
  notify(index: u16): void {
    if (<i32>index >= this.notifyAddress.length) return;
    const a = this.notifyAddress[index];
    if (a != 0) mmio_write(a, 2, index);
  }

  // §4.1.4.5.1: reading the ISR status resets it and deasserts INTx.
  takeInterrupt(): u32 {
    return <u32>mmio_read(this.isr.address, 1) & ISR_CAUSE_MASK;
  }
}
