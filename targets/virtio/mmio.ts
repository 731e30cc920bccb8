// The virtio-mmio transport, version 2 (virtio 1.2 §4.2). The legacy
// interface (version 1, §4.2.4) is refused with a message: it needs
// page-aligned queues and pre-1.0 semantics this driver does not speak.
// QEMU creates legacy virtio-mmio devices unless told
// `-global virtio-mmio.force-legacy=false`; Firecracker's are version 2.
import { mmio_read, mmio_write } from "crust/boundary";
import { VirtioTransport, VIRTIO_INTERRUPT_CONFIG, VIRTIO_INTERRUPT_VRING } from "./transport";

// virtio 1.2 §4.2.2, table 4.1: the register layout.
const REG_MAGIC_VALUE: u64 = 0x000;
const REG_VERSION: u64 = 0x004;
const REG_DEVICE_ID: u64 = 0x008;
const REG_VENDOR_ID: u64 = 0x00c;
const REG_DEVICE_FEATURES: u64 = 0x010;
const REG_DEVICE_FEATURES_SEL: u64 = 0x014;
const REG_DRIVER_FEATURES: u64 = 0x020;
const REG_DRIVER_FEATURES_SEL: u64 = 0x024;
const REG_QUEUE_SEL: u64 = 0x030;
const REG_QUEUE_NUM_MAX: u64 = 0x034;
const REG_QUEUE_NUM: u64 = 0x038;
const REG_QUEUE_READY: u64 = 0x044;
const REG_QUEUE_NOTIFY: u64 = 0x050;
const REG_INTERRUPT_STATUS: u64 = 0x060;
const REG_INTERRUPT_ACK: u64 = 0x064;
const REG_STATUS: u64 = 0x070;
const REG_QUEUE_DESC_LOW: u64 = 0x080;
const REG_QUEUE_DESC_HIGH: u64 = 0x084;
const REG_QUEUE_DRIVER_LOW: u64 = 0x090;
const REG_QUEUE_DRIVER_HIGH: u64 = 0x094;
const REG_QUEUE_DEVICE_LOW: u64 = 0x0a0;
const REG_QUEUE_DEVICE_HIGH: u64 = 0x0a4;
const REG_CONFIG_GENERATION: u64 = 0x0fc;
const REG_CONFIG: u64 = 0x100;

// §4.2.2: "virt" in little-endian.
const MAGIC_VIRT: u32 = 0x74726976;
// §4.2.2: Version 2 is the non-legacy interface; 1 is legacy (§4.2.4).
const VERSION_MODERN: u32 = 2;
const VERSION_LEGACY: u32 = 1;

/** Outcome of looking at a virtio-mmio window. */
export class MmioProbe {
  transport: VirtioMmioTransport | null = null;
  /** True when the window is a virtio-mmio transport with no device behind it (§4.2.3.1.1: device ID 0). */
  empty: bool = false;
  error: string | null = null;
}

function hex(v: u64): string { return "0x" + v.toString(16); }

export class VirtioMmioTransport extends VirtioTransport {
  private id: u32;

  private constructor(public base: u64, public windowSize: u64) {
    super();
    this.id = this.read32(REG_DEVICE_ID);
  }

  /** Check the window at `base` (virtio 1.2 §4.2.3.1.1: magic, version,
   *  device ID) and wrap it. `gsi` is its interrupt line; microvm's lines
   *  are edge-triggered. */
  static probe(base: u64, size: u64, gsi: u32): MmioProbe {
    const p = new MmioProbe();
    const where = "virtio-mmio@" + hex(base);
    if (size < REG_CONFIG) {
      p.error = where + ": window of " + size.toString() + " bytes is smaller than the register block";
      return p;
    }
    const magic = <u32>mmio_read(base + REG_MAGIC_VALUE, 4);
    if (magic != MAGIC_VIRT) {
      p.error = where + ": no virtio-mmio device (magic " + hex(magic) + ")";
      return p;
    }
    const version = <u32>mmio_read(base + REG_VERSION, 4);
    if (version == VERSION_LEGACY) {
      p.error = where + ": legacy virtio-mmio (version 1) is not supported; " +
        "QEMU needs -global virtio-mmio.force-legacy=false";
      return p;
    }
    if (version != VERSION_MODERN) {
      p.error = where + ": unknown virtio-mmio version " + version.toString();
      return p;
    }
    if (<u32>mmio_read(base + REG_DEVICE_ID, 4) == 0) {
      p.empty = true;
      return p;
    }
    const t = new VirtioMmioTransport(base, size);
    t.gsi = gsi;
    t.levelTriggered = false;
    p.transport = t;
    return p;
  }

  private read32(reg: u64): u32 { return <u32>mmio_read(this.base + reg, 4); }
  private write32(reg: u64, v: u32): void { mmio_write(this.base + reg, 4, v); }

  deviceType(): u32 { return this.id; }
  vendorId(): u32 { return this.read32(REG_VENDOR_ID); }

  describe(): string { return "virtio-mmio@" + hex(this.base) + " (GSI " + this.gsi.toString() + ")"; }

  deviceFeatures(): u64 {
    this.write32(REG_DEVICE_FEATURES_SEL, 0);
    const low = this.read32(REG_DEVICE_FEATURES);
    this.write32(REG_DEVICE_FEATURES_SEL, 1);
    const high = this.read32(REG_DEVICE_FEATURES);
    return (<u64>high << 32) | low;
  }

  setDriverFeatures(features: u64): void {
    this.write32(REG_DRIVER_FEATURES_SEL, 0);
    this.write32(REG_DRIVER_FEATURES, <u32>features);
    this.write32(REG_DRIVER_FEATURES_SEL, 1);
    this.write32(REG_DRIVER_FEATURES, <u32>(features >> 32));
  }

  status(): u8 { return <u8>this.read32(REG_STATUS); }
  setStatus(status: u8): void { this.write32(REG_STATUS, status); }

  configGeneration(): u32 { return this.read32(REG_CONFIG_GENERATION); }

  // §4.2.2.2: the configuration space is accessed with the field's own width.
  configRead8(offset: u32): u8 { return <u8>mmio_read(this.configAddress(offset, 1), 1); }
  configRead16(offset: u32): u16 { return <u16>mmio_read(this.configAddress(offset, 2), 2); }
  configRead32(offset: u32): u32 { return <u32>mmio_read(this.configAddress(offset, 4), 4); }

  /** Configuration reads stay inside the window (a bad offset reads the
   *  first byte of config space rather than another device). */
  private configAddress(offset: u32, width: u32): u64 {
    const off = <u64>offset;
    if (REG_CONFIG + off + width > this.windowSize) return this.base + REG_CONFIG;
    return this.base + REG_CONFIG + off;
  }

  queueMaxSize(index: u16): u16 {
    this.write32(REG_QUEUE_SEL, index);
    // §4.2.3.2: a queue that is already live is not offered again.
    if (this.read32(REG_QUEUE_READY) != 0) return 0;
    const max = this.read32(REG_QUEUE_NUM_MAX);
    return max > 0xffff ? 0xffff : <u16>max;
  }

  // §4.2.3.2: virtqueue configuration.
  enableQueue(index: u16, size: u16, desc: u64, driver: u64, device: u64): bool {
    this.write32(REG_QUEUE_SEL, index);
    this.write32(REG_QUEUE_NUM, size);
    this.write32(REG_QUEUE_DESC_LOW, <u32>desc);
    this.write32(REG_QUEUE_DESC_HIGH, <u32>(desc >> 32));
    this.write32(REG_QUEUE_DRIVER_LOW, <u32>driver);
    this.write32(REG_QUEUE_DRIVER_HIGH, <u32>(driver >> 32));
    this.write32(REG_QUEUE_DEVICE_LOW, <u32>device);
    this.write32(REG_QUEUE_DEVICE_HIGH, <u32>(device >> 32));
    this.write32(REG_QUEUE_READY, 1);
    return this.read32(REG_QUEUE_READY) == 1;
  }

  notify(index: u16): void { this.write32(REG_QUEUE_NOTIFY, index); }

  // §4.2.2: InterruptStatus tells the cause; writing it to InterruptACK
  // deasserts the line.
  takeInterrupt(): u32 {
    const cause = this.read32(REG_INTERRUPT_STATUS) & (VIRTIO_INTERRUPT_VRING | VIRTIO_INTERRUPT_CONFIG);
    if (cause != 0) this.write32(REG_INTERRUPT_ACK, cause);
    return cause;
  }
}
