// Ethernet II frames (IEEE 802.3 §3.1.1 MAC frame, with the type field of
// RFC 894), as NICs hand them over: no preamble, no FCS. A MAC address is a
// u64 holding the 6 octets in its low 48 bits, the first octet on the wire
// most significant (52:54:00:12:34:56 is 0x525400123456).
// Accessors never read outside the frame; parse() only fails on a frame too
// short for the header; emit() only fails if the buffer is too small.
import { ByteView } from "./bytes";
import { WireError } from "./error";

export const ETHERNET_HEADER_LEN: i32 = 14;
/** A MAC address is 6 octets (IEEE 802 §8). */
export const ETHERNET_ADDR_LEN: u8 = 6;
/** Frames on the wire are padded to 60 bytes before the FCS (IEEE 802.3
 *  §4.2.3.3, minFrameSize 64 with the 4-byte FCS); parsers ignore the pad. */
export const ETHERNET_MIN_FRAME_LEN: i32 = 60;

// EtherType values (IEEE 802 numbers registry, IANA "ieee-802-numbers").
export const ETHERTYPE_IPV4: u16 = 0x0800; // RFC 894
export const ETHERTYPE_ARP: u16 = 0x0806; // RFC 826
export const ETHERTYPE_VLAN: u16 = 0x8100; // IEEE 802.1Q tag
export const ETHERTYPE_IPV6: u16 = 0x86dd; // RFC 2464
/** Type field values below this are an 802.3 length, not an EtherType
 *  (IEEE 802.3 §3.2.6). */
export const ETHERTYPE_MIN: u16 = 0x0600;

export const MAC_BROADCAST: u64 = 0xffffffffffff;

/** A group (multicast or broadcast) address: the I/G bit, the least
 *  significant bit of the first octet (IEEE 802 §8.2). */
export function isGroupMac(mac: u64): bool {
  return ((mac >> 40) & 1) != 0;
}

/** aa:bb:cc:dd:ee:ff */
export function formatMac(mac: u64): string {
  let s = "";
  for (let i = 5; i >= 0; i--) {
    const octet = <u32>((mac >> (<u64>i * 8)) & 0xff);
    s += (octet < 16 ? "0" : "") + octet.toString(16) + (i > 0 ? ":" : "");
  }
  return s;
}

/** A view of an Ethernet frame. */
export class EthernetFrame extends ByteView {
  dstAddr(): u64 { return this.getU48(0); }
  srcAddr(): u64 { return this.getU48(6); }
  etherType(): u16 { return this.getU16(12); }

  setDstAddr(v: u64): void { this.setU48(0, v); }
  setSrcAddr(v: u64): void { this.setU48(6, v); }
  setEtherType(v: u16): void { this.setU16(12, v); }

  /** The frame's payload: everything after the header, including any pad. */
  payload(): usize { return this.ptrAt(ETHERNET_HEADER_LEN); }
  payloadLen(): i32 { return this.lenFrom(ETHERNET_HEADER_LEN); }
}

/** An Ethernet header's meaning. */
export class EthernetRepr {
  dst: u64 = 0;
  src: u64 = 0;
  etherType: u16 = 0;

  parse(frame: EthernetFrame): WireError {
    if (frame.len < ETHERNET_HEADER_LEN) return WireError.Truncated;
    this.dst = frame.dstAddr();
    this.src = frame.srcAddr();
    this.etherType = frame.etherType();
    return WireError.Ok;
  }

  /** Bytes emit() writes; the payload follows them. */
  headerLen(): i32 { return ETHERNET_HEADER_LEN; }

  emit(frame: EthernetFrame): WireError {
    if (frame.len < ETHERNET_HEADER_LEN) return WireError.NoRoom;
    frame.setDstAddr(this.dst);
    frame.setSrcAddr(this.src);
    frame.setEtherType(this.etherType);
    return WireError.Ok;
  }
}
