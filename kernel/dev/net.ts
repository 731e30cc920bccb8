// The network device interface: what a NIC driver (virtio-net, Xen netfront,
// the Node host's TAP) offers the network stack, and nothing more.
// Frames are plain Ethernet frames without FCS.

/** Receives frames from a device. The frame is only valid during the call:
 *  whoever needs it later copies it. */
export abstract class FrameSink {
  abstract receive(frame: usize, len: i32): void;
}

export abstract class NetDevice {
  /** The station address, 6 bytes. */
  mac: StaticArray<u8> = new StaticArray<u8>(6);
  /** Largest IP packet the device carries (Ethernet payload). */
  mtu: i32 = 1500;
  /** The device checked TCP/UDP checksums of received frames (and dropped
   *  the bad ones), so the stack need not. */
  rxChecksumValidated: bool = false;
  /** The device can complete TCP/UDP checksums on transmit (see transmit). */
  txChecksumOffload: bool = false;
  /** Where received frames go; set by the stack. */
  sink: FrameSink | null = null;

  /** Queue a frame for sending (the driver copies it). With txChecksumOffload,
   *  csumStart >= 0 asks the device to compute the Internet checksum from
   *  byte csumStart to the end and store it at csumStart + csumOffset (the
   *  stack has put the pseudo-header sum there). Returns false when the
   *  transmit queue is full: the caller counts the drop. */
  abstract transmit(frame: usize, len: i32, csumStart: i32, csumOffset: i32): bool;
}

/** Devices found by the platform at boot, in discovery order. */
export const netDevices: NetDevice[] = [];
