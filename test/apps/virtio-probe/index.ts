// virtio-probe: checks the virtio drivers end to end under QEMU.
//  - prints each NIC's MAC and the bytes virtio-rng delivered;
//  - sends hand-built broadcast frames (ARP requests for QEMU slirp's gateway
//    10.0.2.2 and one DHCPDISCOVER) and counts the replies that reach the sink;
//  - sends more frames than the transmit queue holds, to exercise reclaim.
// Exit 0 when a NIC exists and slirp answered both ARP and DHCP; 1 otherwise
// (2 when there is no NIC at all). Run:
//   npx crust run test/apps/virtio-probe --net user --rng --machine q35
// With the argument `tap` (see tap-test.sh) the peer is Linux on a TAP device
// at 10.0.2.2 instead: a UDP datagram to its echo server on port 7777, sent
// with its checksum left to the NIC, must come back with a valid checksum.
import { println, Timer, exit, NS_PER_MS, monotonicNs, formatMs } from "crust";
import { FrameSink, netDevices } from "crust/dev/net";
import { VirtioNet } from "../../../targets/virtio/net";
import { rngDevices } from "../../../targets/virtio/rng";

const ARP_BURST: i32 = 150; // more than the 64 transmit buffers
const WAIT_MS: i64 = 500;
let sentAt: i64 = 0;

function hex(bytes: StaticArray<u8>, n: i32): string {
  let s = "";
  for (let i = 0; i < n && i < bytes.length; i++) {
    const b = bytes[i];
    s += (b < 16 ? "0" : "") + b.toString(16);
  }
  return s;
}

function put16(p: usize, v: u32): void { store<u8>(p, <u8>(v >> 8)); store<u8>(p + 1, <u8>v); }
function get16(p: usize): u32 { return (<u32>load<u8>(p) << 8) | load<u8>(p + 1); }

/** RFC 1071 ones' complement sum, folded, not complemented. */
function sum16(p: usize, len: i32, initial: u32): u32 {
  let s = initial;
  for (let i = 0; i + 1 < len; i += 2) s += get16(p + <usize>i);
  if (len & 1) s += <u32>load<u8>(p + <usize>(len - 1)) << 8;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return s;
}

const ECHO_PORT: u32 = 7777;
const ECHO_PAYLOAD = "crust virtio-probe echo";

class CountingSink extends FrameSink {
  frames: i32 = 0;
  arpReplies: i32 = 0;
  dhcpReplies: i32 = 0;
  echoReplies: i32 = 0;
  other: i32 = 0;

  receive(frame: usize, len: i32): void {
    this.frames++;
    if (len < 14) { this.other++; return; }
    const type = get16(frame + 12);
    if (type == 0x0806 && len >= 42 && get16(frame + 20) == 2) {
      if (this.arpReplies == 0) {
        println("ARP reply: 10.0.2.2 is at " + hex(StaticArray.fromArray<u8>(bytesAt(frame + 22, 6)), 6));
      }
      this.arpReplies++;
      return;
    }
    if (type == 0x0800 && len >= 14 + 20 + 8 + 20 && load<u8>(frame + 23) == 17) {
      const ihl = <usize>(load<u8>(frame + 14) & 0xf) * 4;
      const udp = frame + 14 + ihl;
      if (get16(udp) == 67 && get16(udp + 2) == 68) {
        const bootp = udp + 8;
        const yiaddr = bootp + 16;
        println("DHCP reply: offers " + load<u8>(yiaddr).toString() + "." + load<u8>(yiaddr + 1).toString() + "." +
          load<u8>(yiaddr + 2).toString() + "." + load<u8>(yiaddr + 3).toString() +
          " (UDP checksum " + (get16(udp + 6) == 0 || sum16(udp, <i32>get16(udp + 4), pseudoSum(frame, get16(udp + 4))) == 0xffff ? "ok" : "BAD") +
          ") " + formatMs(monotonicNs() - sentAt) + " after sending");
        this.dhcpReplies++;
        return;
      }
      if (get16(udp) == ECHO_PORT) {
        const udpLen = get16(udp + 4);
        const good = sum16(udp, <i32>udpLen, pseudoSum(frame, udpLen)) == 0xffff;
        println("UDP echo: '" + String.UTF8.decodeUnsafe(udp + 8, <usize>(udpLen - 8)) + "', checksum " +
          (good ? "ok" : "BAD") + ", " + formatMs(monotonicNs() - sentAt) + " after sending");
        if (good) this.echoReplies++;
        return;
      }
    }
    this.other++;
  }
}

function pseudoSum(frame: usize, udpLen: u32): u32 {
  let s: u32 = 17 + udpLen;
  for (let i: usize = 0; i < 8; i += 2) s += get16(frame + 26 + i); // source and destination address
  return s;
}

function bytesAt(p: usize, n: i32): u8[] {
  const a = new Array<u8>(n);
  for (let i = 0; i < n; i++) a[i] = load<u8>(p + <usize>i);
  return a;
}

/** ARP request (RFC 826): who has 10.0.2.2? tell 10.0.2.15. Padded to 60 bytes. */
function arpRequest(mac: StaticArray<u8>): StaticArray<u8> {
  const f = new StaticArray<u8>(60);
  const p = changetype<usize>(f);
  for (let i = 0; i < 6; i++) { f[i] = 0xff; f[6 + i] = mac[i]; f[22 + i] = mac[i]; }
  put16(p + 12, 0x0806);
  put16(p + 14, 1); put16(p + 16, 0x0800); f[18] = 6; f[19] = 4; put16(p + 20, 1);
  f[28] = 10; f[29] = 0; f[30] = 2; f[31] = 15;
  f[38] = 10; f[39] = 0; f[40] = 2; f[41] = 2;
  return f;
}

// RFC 2131 / RFC 951: BOOTP fixed part 236 bytes; QEMU slirp wants the full
// 312-byte options area of struct bootp_t.
const BOOTP_SIZE: i32 = 236 + 312;
const UDP_CSUM_OFFSET: i32 = 6;

/** DHCPDISCOVER from 0.0.0.0:68 to 255.255.255.255:67, the UDP checksum left
 *  to the NIC (csumStart/csumOffset of NetDevice.transmit). */
function dhcpDiscover(mac: StaticArray<u8>, frame: StaticArray<u8>): i32 {
  const p = changetype<usize>(frame);
  const udpLen = 8 + BOOTP_SIZE;
  const ipLen = 20 + udpLen;
  for (let i = 0; i < 6; i++) { frame[i] = 0xff; frame[6 + i] = mac[i]; }
  put16(p + 12, 0x0800);
  const ip = p + 14;
  store<u8>(ip, 0x45); put16(ip + 2, ipLen); store<u8>(ip + 8, 64); store<u8>(ip + 9, 17);
  for (let i: usize = 16; i < 20; i++) store<u8>(ip + i, 0xff);
  put16(ip + 10, ~sum16(ip, 20, 0) & 0xffff);
  const udp = ip + 20;
  put16(udp, 68); put16(udp + 2, 67); put16(udp + 4, udpLen);
  const b = udp + 8;
  store<u8>(b, 1); store<u8>(b + 1, 1); store<u8>(b + 2, 6);
  store<u32>(b + 4, 0x12345678);
  put16(b + 10, 0x8000); // broadcast reply
  for (let i = 0; i < 6; i++) store<u8>(b + 28 + <usize>i, mac[i]);
  const opt = b + 236;
  store<u8>(opt, 99); store<u8>(opt + 1, 130); store<u8>(opt + 2, 83); store<u8>(opt + 3, 99); // magic cookie
  store<u8>(opt + 4, 53); store<u8>(opt + 5, 1); store<u8>(opt + 6, 1); // DHCPDISCOVER
  store<u8>(opt + 7, 255);
  // Pseudo-header sum in the checksum field (RFC 768), for the NIC to complete.
  put16(udp + UDP_CSUM_OFFSET, sum16(ip + 12, 8, 17 + udpLen));
  return 14 + ipLen;
}

/** UDP 10.0.2.15:7777 -> 10.0.2.2:7777 with ECHO_PAYLOAD, to `dst` MAC
 *  (broadcast: the peer's MAC is not known); checksum left to the NIC. */
function udpEcho(mac: StaticArray<u8>, frame: StaticArray<u8>): i32 {
  const p = changetype<usize>(frame);
  const payload = String.UTF8.encode(ECHO_PAYLOAD);
  const udpLen = 8 + payload.byteLength;
  const ipLen = 20 + udpLen;
  for (let i = 0; i < 6; i++) { frame[i] = 0xff; frame[6 + i] = mac[i]; }
  put16(p + 12, 0x0800);
  const ip = p + 14;
  store<u8>(ip, 0x45); put16(ip + 2, ipLen); store<u8>(ip + 8, 64); store<u8>(ip + 9, 17);
  store<u8>(ip + 12, 10); store<u8>(ip + 14, 2); store<u8>(ip + 15, 15);
  store<u8>(ip + 16, 10); store<u8>(ip + 18, 2); store<u8>(ip + 19, 2);
  put16(ip + 10, ~sum16(ip, 20, 0) & 0xffff);
  const udp = ip + 20;
  put16(udp, ECHO_PORT); put16(udp + 2, ECHO_PORT); put16(udp + 4, udpLen);
  memory.copy(udp + 8, changetype<usize>(payload), <usize>payload.byteLength);
  put16(udp + UDP_CSUM_OFFSET, sum16(ip + 12, 8, 17 + udpLen));
  return 14 + ipLen;
}

let tapMode = false;

class Report extends Timer {
  constructor(public sink: CountingSink) { super(); }
  fire(now: i64): void {
    const s = this.sink;
    println("received " + s.frames.toString() + " frames: " + s.arpReplies.toString() + " ARP replies, " +
      s.dhcpReplies.toString() + " DHCP replies, " + s.other.toString() + " other");
    const dev = netDevices[0];
    if (dev instanceof VirtioNet) {
      const st = (<VirtioNet>dev).stats;
      println("virtio-net stats: rx " + st.rxFrames.toString() + " frames, tx " + st.txFrames.toString() +
        " frames, tx dropped (queue full) " + st.txDroppedFull.toString() + ", rx errors " + st.rxErrors.toString() +
        ", rx checksums completed/valid " + st.rxChecksumsCompleted.toString() + "/" + st.rxChecksumValid.toString() +
        ", interrupts " + st.interrupts.toString());
    }
    for (let i = 0; i < rngDevices.length; i++) {
      const r = rngDevices[i];
      println("virtio-rng: " + r.bytesReceived.toString() + " bytes in " + r.requests.toString() + " requests, " +
        r.interrupts.toString() + " interrupts, last: " + hex(r.lastBytes, 16));
    }
    if (tapMode) exit(s.arpReplies > 0 && s.echoReplies > 0 ? 0 : 1);
    exit(s.arpReplies > 0 && s.dhcpReplies > 0 ? 0 : 1);
  }
}

export function main(args: string[]): void {
  println("virtio-probe: " + netDevices.length.toString() + " NIC(s), " + rngDevices.length.toString() + " RNG(s)");
  for (let i = 0; i < rngDevices.length; i++) {
    const r = rngDevices[i];
    println("rng " + i.toString() + ": " + r.bytesReceived.toString() + " bytes at start: " + hex(r.lastBytes, 16));
    r.request(); // and some more, reported later
  }
  if (netDevices.length == 0) exit(2);
  const dev = netDevices[0];
  let mac = "";
  for (let i = 0; i < 6; i++) mac += (i > 0 ? ":" : "") + (dev.mac[i] < 16 ? "0" : "") + dev.mac[i].toString(16);
  println("nic 0: MAC " + mac + ", mtu " + dev.mtu.toString() + ", tx checksum offload " + (dev.txChecksumOffload ? "yes" : "no"));

  const sink = new CountingSink();
  dev.sink = sink;
  tapMode = args.length > 0 && args[0] == "tap";
  const first = new StaticArray<u8>(600);
  const len = tapMode ? udpEcho(dev.mac, first) : dhcpDiscover(dev.mac, first);
  sentAt = monotonicNs();
  const ok = dev.transmit(changetype<usize>(first), len, 14 + 20, UDP_CSUM_OFFSET);
  const arp = arpRequest(dev.mac);
  let sent = 0;
  for (let i = 0; i < ARP_BURST; i++) if (dev.transmit(changetype<usize>(arp), arp.length, -1, 0)) sent++;
  println("sent " + sent.toString() + "/" + ARP_BURST.toString() + " ARP requests, " + (tapMode ? "UDP echo request " : "DHCPDISCOVER ") + (ok ? "queued" : "dropped"));
  new Report(sink).start(WAIT_MS * NS_PER_MS);
}
