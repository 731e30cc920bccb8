// The node target's platform: the host's NIC (a TAP device, when crust run
// was given --tap) as a NetDevice, polled every loop turn. Started by the
// generated entry for apps that use devices.
import { hostnet_info, hostnet_receive, hostnet_send } from "crust/boundary";
import { NetDevice, netDevices } from "crust/dev/net";
import { EventSource, addSource } from "crust/core/loop";
import * as log from "crust/core/log";

// Ethernet II (IEEE 802.3 §3.2): the largest frame without FCS for a 1500-byte MTU.
const MAX_FRAME: i32 = 1514;
// Frames taken per loop turn, so one busy NIC cannot starve timers.
const RX_BUDGET: i32 = 64;

class HostNetDevice extends NetDevice {
  rxBuffer: StaticArray<u8> = new StaticArray<u8>(MAX_FRAME);
  txDropped: u64 = 0;
  rxOversize: u64 = 0;

  transmit(frame: usize, len: i32, csumStart: i32, csumOffset: i32): bool {
    // No checksum offload is offered (txChecksumOffload stays false).
    if (hostnet_send(frame, len) == 1) return true;
    this.txDropped++;
    return false;
  }
}

class HostNetPoller extends EventSource {
  constructor(public dev: HostNetDevice) { super(); }

  poll(now: i64): bool {
    const buf = changetype<usize>(this.dev.rxBuffer);
    let work = false;
    for (let i = 0; i < RX_BUDGET; i++) {
      const n = hostnet_receive(buf, MAX_FRAME);
      if (n == 0) break;
      work = true;
      if (n < 0) { this.dev.rxOversize++; continue; }
      const sink = this.dev.sink;
      if (sink !== null) sink.receive(buf, n);
    }
    return work;
  }
}

export function startDevices(): void {
  const dev = new HostNetDevice();
  const mtu = hostnet_info(changetype<usize>(dev.mac));
  if (mtu == 0) return;
  dev.mtu = mtu;
  netDevices.push(dev);
  addSource(new HostNetPoller(dev));
  log.info("net", "host NIC (TAP) attached");
}
