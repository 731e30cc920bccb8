// A TCP segment as the state machine sees it: header fields, the options it
// negotiates with, and where the data is. Built from received bytes by
// parse() and turned into bytes by emit(); the state machine never touches
// raw offsets. parse() never fails on bad input other than by returning false.
import { SEG_SYN, SEG_FIN, SEG_RST } from "./flags";
export { SEG_FIN, SEG_SYN, SEG_RST, SEG_PSH, SEG_ACK, SEG_URG } from "./flags";

/** At most 4 SACK blocks fit the 40-byte option space (RFC 2018 §3). */
export const MAX_SACK_BLOCKS: i32 = 4;

export class TcpSegment {
  srcPort: u16 = 0;
  dstPort: u16 = 0;
  seq: u32 = 0;
  ack: u32 = 0;
  flags: u8 = 0;
  window: u16 = 0;
  /** Options; mss 0 = absent, wscale -1 = absent. */
  mss: u16 = 0;
  wscale: i32 = -1;
  sackPermitted: bool = false;
  hasTimestamp: bool = false;
  tsVal: u32 = 0;
  tsEcr: u32 = 0;
  sackCount: i32 = 0;
  /** SACK blocks as start/end pairs. */
  sack: StaticArray<u32> = new StaticArray<u32>(2 * MAX_SACK_BLOCKS);
  /** The data: address and length (valid while the packet is). */
  data: usize = 0;
  dataLen: i32 = 0;

  has(flag: u8): bool { return (this.flags & flag) != 0; }

  /** SEG.LEN: data plus one for SYN and one for FIN (RFC 9293 §3.4). */
  get segLen(): u32 {
    return <u32>this.dataLen + ((this.flags & SEG_SYN) != 0 ? 1 : 0) + ((this.flags & SEG_FIN) != 0 ? 1 : 0);
  }

  reset(): void {
    this.flags = 0;
    this.mss = 0;
    this.wscale = -1;
    this.sackPermitted = false;
    this.hasTimestamp = false;
    this.tsVal = 0;
    this.tsEcr = 0;
    this.sackCount = 0;
    this.data = 0;
    this.dataLen = 0;
  }
}
