// The test double for the network tests: a NetDevice that records what the
// stack transmits and lets a test inject frames, plus helpers for frames
// written as hex (the captures in the tests are real traffic between Linux,
// dnsmasq and a raw socket standing in for the guest at 52:54:00:12:34:56).
// As a test of its own, main() checks the helpers.
import "crust";
import { NetDevice } from "crust/dev/net";
import { ManualNetClock } from "crust/net/clock";
import { Network } from "crust/net/stack";
import { sumBytes, add, finish, pseudoHeaderSum } from "crust/net/wire/checksum";

/** The guest's MAC in every capture. */
export const GUEST_MAC: u64 = 0x525400123456;

export class SentFrame {
  constructor(public bytes: Uint8Array, public csumStart: i32, public csumOffset: i32) {}
}

export class FakeNetDevice extends NetDevice {
  sent: SentFrame[] = [];
  /** Refuse frames as a full transmit queue would. */
  full: bool = false;

  constructor(mtu: i32 = 1500) {
    super();
    for (let i = 0; i < 6; i++) this.mac[i] = <u8>(GUEST_MAC >> (<u64>(5 - i) * 8));
    this.mtu = mtu;
  }

  transmit(frame: usize, len: i32, csumStart: i32, csumOffset: i32): bool {
    if (this.full) return false;
    const copy = new Uint8Array(len);
    memory.copy(copy.dataStart, frame, <usize>len);
    this.sent.push(new SentFrame(copy, csumStart, csumOffset));
    return true;
  }

  /** Deliver a frame to the stack as the driver would. */
  inject(frame: Uint8Array): void {
    const sink = this.sink;
    assert(sink !== null, "no stack attached to the device");
    sink!.receive(frame.dataStart, frame.length);
  }

  /** The frames sent since the last call. */
  take(): SentFrame[] {
    const s = this.sent;
    this.sent = [];
    return s;
  }
}

/** A stack on a fake device with a manual clock. */
export class TestNet {
  dev: FakeNetDevice;
  clock: ManualNetClock;
  net: Network;
  constructor(mtu: i32 = 1500) {
    const dev = new FakeNetDevice(mtu);
    const clock = new ManualNetClock();
    this.dev = dev;
    this.clock = clock;
    this.net = new Network(dev, clock);
  }
}

export function hex(s: string): Uint8Array {
  assert(s.length % 2 == 0, "odd hex string");
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = <u8>(nibble(s.charCodeAt(2 * i)) << 4 | nibble(s.charCodeAt(2 * i + 1)));
  return out;
}

function nibble(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  assert(false, "bad hex digit");
  return 0;
}

export function toHex(b: Uint8Array): string {
  const digits = "0123456789abcdef";
  let s = "";
  for (let i = 0; i < b.length; i++) s += digits.charAt(b[i] >> 4) + digits.charAt(b[i] & 15);
  return s;
}

export function be16(b: Uint8Array, off: i32): u32 { return (<u32>b[off] << 8) | b[off + 1]; }
export function be32(b: Uint8Array, off: i32): u32 { return (be16(b, off) << 16) | be16(b, off + 2); }
export function put16(b: Uint8Array, off: i32, v: u32): void { b[off] = <u8>(v >> 8); b[off + 1] = <u8>v; }
export function put32(b: Uint8Array, off: i32, v: u32): void { put16(b, off, v >> 16); put16(b, off + 2, v & 0xffff); }

/** Whether the frames are equal, with a message showing both when not. */
export function expectBytes(got: Uint8Array, want: Uint8Array, what: string): void {
  let same = got.length == want.length;
  for (let i = 0; same && i < got.length; i++) same = got[i] == want[i];
  assert(same, what + ":\n got  " + toHex(got) + "\n want " + toHex(want));
}

/** Recompute the UDP checksum of an Ethernet/IPv4(20-byte header)/UDP frame
 *  after a test edited it (e.g. put our transaction id into a capture). */
export function fixUdpChecksum(f: Uint8Array): void {
  const udp = 34;
  const len = <i32>be16(f, udp + 4);
  put16(f, udp + 6, 0);
  const sum = add(pseudoHeaderSum(be32(f, 26), be32(f, 30), 17, len), sumBytes(f.dataStart + udp, len));
  let c = <u32>finish(sum);
  if (c == 0) c = 0xffff;
  put16(f, udp + 6, c);
}

/** Whether the transport checksum of a sent Ethernet/IPv4/TCP-or-UDP frame holds. */
export function transportChecksumOk(f: Uint8Array): bool {
  const ihl = <i32>(f[14] & 15) * 4;
  const total = <i32>be16(f, 16);
  const seg = 14 + ihl;
  const len = total - ihl;
  const sum = add(pseudoHeaderSum(be32(f, 26), be32(f, 30), f[23], len), sumBytes(f.dataStart + seg, len));
  return finish(sum) == 0;
}

export function main(args: string[]): void {
  const b = hex("00ff10Ab");
  assert(b.length == 4 && b[0] == 0 && b[1] == 255 && b[2] == 16 && b[3] == 0xab, "hex");
  assert(toHex(b) == "00ff10ab", "toHex");
  assert(be32(b, 0) == 0x00ff10ab, "be32");
  // A captured UDP frame (nc -u to port 7) keeps its checksum when recomputed.
  const f = hex("5254001234565e5de2aa2bad0800450000224c9e40004011d92c0a6300010a63003aaafb0007000efbf268656c6c6f0a");
  const want = be16(f, 40);
  fixUdpChecksum(f);
  assert(be16(f, 40) == want, "UDP checksum recomputed equal");
  assert(transportChecksumOk(f), "transport checksum holds");
  const d = new FakeNetDevice();
  assert(d.mac[0] == 0x52 && d.mac[5] == 0x56, "MAC");
}
