// Device initialization common to every virtio driver (virtio 1.2 §3.1.1):
// reset, ACKNOWLEDGE, DRIVER, feature negotiation, FEATURES_OK, queue setup
// by the driver, DRIVER_OK. A device that does not offer VIRTIO_F_VERSION_1
// or does not accept the features is marked FAILED and reported, never used.
//
//   const features = negotiate(t, WANTED, "virtio-net");   // -1: failed
//   ... VirtQueue.create(t, 0, n) ...
//   attachInterrupt(t, handler, "virtio-net") && finishInit(t, "virtio-net")
import * as log from "crust/core/log";
import { IrqHandler, attachIrq, Trigger } from "../x86/irq";
import { VirtioTransport } from "./transport";

// virtio 1.2 §2.1: device status bits.
export const STATUS_ACKNOWLEDGE: u8 = 1;
export const STATUS_DRIVER: u8 = 2;
export const STATUS_DRIVER_OK: u8 = 4;
export const STATUS_FEATURES_OK: u8 = 8;
export const STATUS_DEVICE_NEEDS_RESET: u8 = 64;
export const STATUS_FAILED: u8 = 128;

// virtio 1.2 §6: reserved feature bits.
export const VIRTIO_F_VERSION_1: u64 = 1 << 32;

// virtio 1.2 §4.1.4.3.2, §4.2.3.1: after writing 0 the driver waits for the
// status to read back 0; a device that never does is given up on.
const RESET_POLLS: i32 = 100000;

/** §3.1.1 steps 1-6: reset, ACKNOWLEDGE, DRIVER, agree on the features the
 *  device offers among `wanted` (VIRTIO_F_VERSION_1 is required), and
 *  FEATURES_OK. Returns the agreed features, or -1 after failDevice(). */
export function negotiate(t: VirtioTransport, wanted: u64, topic: string): i64 {
  t.setStatus(0);
  let polls = 0;
  while (t.status() != 0) {
    if (++polls > RESET_POLLS) { failDevice(t, topic, "device does not reset"); return -1; }
  }
  t.setStatus(STATUS_ACKNOWLEDGE);
  t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
  const offered = t.deviceFeatures();
  if ((offered & VIRTIO_F_VERSION_1) == 0) {
    failDevice(t, topic, "device does not offer VIRTIO_F_VERSION_1 (legacy-only device)");
    return -1;
  }
  const features = offered & (wanted | VIRTIO_F_VERSION_1);
  t.setDriverFeatures(features);
  t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
  // §3.1.1 step 6: the device may refuse the subset.
  if ((t.status() & STATUS_FEATURES_OK) == 0) {
    failDevice(t, topic, "device did not accept features 0x" + features.toString(16));
    return -1;
  }
  return <i64>features;
}

/** Route the device's interrupt line to `handler`; false after failDevice(). */
export function attachInterrupt(t: VirtioTransport, handler: IrqHandler, topic: string): bool {
  if (attachIrq(t.gsi, t.levelTriggered ? Trigger.Level : Trigger.Edge, handler)) return true;
  failDevice(t, topic, "no usable interrupt line (GSI " + t.gsi.toString() + ")");
  return false;
}

/** §3.1.1 step 8: set DRIVER_OK; false after failDevice() if the device objects. */
export function finishInit(t: VirtioTransport, topic: string): bool {
  t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
  const s = t.status();
  if ((s & (STATUS_DEVICE_NEEDS_RESET | STATUS_FAILED)) != 0) {
    failDevice(t, topic, "device reported an error after DRIVER_OK (status 0x" + s.toString(16) + ")");
    return false;
  }
  return true;
}

/** §3.1.1: "If any of these steps go irrecoverably wrong, the driver SHOULD
 *  set the FAILED status bit". Logs the reason as an error. */
export function failDevice(t: VirtioTransport, topic: string, reason: string): void {
  t.setStatus(t.status() | STATUS_FAILED);
  log.error(topic, t.describe() + ": " + reason);
}
