// A virtio transport: how a driver reaches one virtio device's registers
// (virtio 1.2 §4). Two implementations: virtio-mmio version 2 (mmio.ts, §4.2)
// and modern virtio-pci (pci.ts, §4.1). Drivers (net.ts, rng.ts) see only
// this interface, the virtqueues and the device configuration space.

// virtio 1.2 §5: device IDs.
export const VIRTIO_ID_NET: u32 = 1;
export const VIRTIO_ID_BLOCK: u32 = 2;
export const VIRTIO_ID_CONSOLE: u32 = 3;
export const VIRTIO_ID_RNG: u32 = 4;

// virtio 1.2 §4.1.4.5 (ISR status) and §4.2.2 (InterruptStatus): bit 0 a
// used buffer notification, bit 1 a configuration change.
export const VIRTIO_INTERRUPT_VRING: u32 = 1 << 0;
export const VIRTIO_INTERRUPT_CONFIG: u32 = 1 << 1;

// A device whose configuration keeps changing is given up on after this many reads.
const CONFIG_READ_ATTEMPTS: i32 = 16;

export abstract class VirtioTransport {
  /** The interrupt line (GSI) the device signals on. */
  gsi: u32 = 0;
  /** PCI INTx lines are level-triggered; virtio-mmio lines on microvm edge. */
  levelTriggered: bool = false;

  /** virtio 1.2 §5 device ID (VIRTIO_ID_*). */
  abstract deviceType(): u32;
  /** Where the device is, for logs: "virtio-mmio@0xfeb00e00", "virtio-pci 00:03.0". */
  abstract describe(): string;

  /** virtio 1.2 §2.2: the 64 feature bits the device offers. */
  abstract deviceFeatures(): u64;
  abstract setDriverFeatures(features: u64): void;

  /** virtio 1.2 §2.1: device status (0 resets the device). */
  abstract status(): u8;
  abstract setStatus(status: u8): void;

  /** virtio 1.2 §2.5: the configuration generation counter. */
  abstract configGeneration(): u32;
  abstract configRead8(offset: u32): u8;
  abstract configRead16(offset: u32): u16;
  abstract configRead32(offset: u32): u32;

  /** The largest size queue `index` can have; 0 when the queue does not exist. */
  abstract queueMaxSize(index: u16): u16;
  /** Tell the device where queue `index` lives and enable it (§2.7: split
   *  virtqueue areas by physical address). False if the device refused. */
  abstract enableQueue(index: u16, size: u16, desc: u64, driver: u64, device: u64): bool;
  /** virtio 1.2 §2.7.13.3: an available buffer notification. */
  abstract notify(index: u16): void;

  /** Read and acknowledge the interrupt cause (VIRTIO_INTERRUPT_* bits); the
   *  line is deasserted afterwards. 0: the interrupt was not this device's. */
  abstract takeInterrupt(): u32;

  /** Read `len` bytes of device configuration consistently (§2.5.1: retry
   *  while the generation counter changes under the reads). Returns false
   *  if it never settled (a broken device; the bytes are the last try's). */
  configReadBytes(offset: u32, dest: usize, len: i32): bool {
    for (let attempt = 0; attempt < CONFIG_READ_ATTEMPTS; attempt++) {
      const before = this.configGeneration();
      for (let i = 0; i < len; i++) store<u8>(dest + <usize>i, this.configRead8(offset + <u32>i));
      if (this.configGeneration() == before) return true;
    }
    return false;
  }
}
