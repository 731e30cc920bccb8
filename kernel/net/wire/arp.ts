// ARP (RFC 826) for IPv4 over Ethernet, the only pairing a cloud VM meets.
// A packet of any other hardware or protocol type parses as Unsupported.
// Accessors never read outside the packet; parse() never traps; emit()
// only fails if the buffer is too small.
import { ByteView } from "./bytes";
import { WireError } from "./error";
import { ETHERNET_ADDR_LEN, ETHERTYPE_IPV4 } from "./ethernet";

/** RFC 826 "Packet format" with 6-byte hardware and 4-byte protocol addresses. */
export const ARP_PACKET_LEN: i32 = 28;
/** ar$hrd for Ethernet (IANA ARP parameters, "Hardware Types"). */
export const ARP_HARDWARE_ETHERNET: u16 = 1;
// ar$op (RFC 826).
export const ARP_REQUEST: u16 = 1;
export const ARP_REPLY: u16 = 2;

/** ar$pln for IPv4. */
const IPV4_ADDR_LEN: u8 = 4;

/** A view of an ARP packet (Ethernet/IPv4 field layout). */
export class ArpPacket extends ByteView {
  hardwareType(): u16 { return this.getU16(0); }
  protocolType(): u16 { return this.getU16(2); }
  hardwareLen(): u8 { return this.getU8(4); }
  protocolLen(): u8 { return this.getU8(5); }
  operation(): u16 { return this.getU16(6); }
  senderMac(): u64 { return this.getU48(8); }
  senderIp(): u32 { return this.getU32(14); }
  targetMac(): u64 { return this.getU48(18); }
  targetIp(): u32 { return this.getU32(24); }

  setHardwareType(v: u16): void { this.setU16(0, v); }
  setProtocolType(v: u16): void { this.setU16(2, v); }
  setHardwareLen(v: u8): void { this.setU8(4, v); }
  setProtocolLen(v: u8): void { this.setU8(5, v); }
  setOperation(v: u16): void { this.setU16(6, v); }
  setSenderMac(v: u64): void { this.setU48(8, v); }
  setSenderIp(v: u32): void { this.setU32(14, v); }
  setTargetMac(v: u64): void { this.setU48(18, v); }
  setTargetIp(v: u32): void { this.setU32(24, v); }
}

/** An ARP request or reply. Addresses as in ethernet.ts and ipv4.ts. */
export class ArpRepr {
  operation: u16 = ARP_REQUEST;
  senderMac: u64 = 0;
  senderIp: u32 = 0;
  targetMac: u64 = 0;
  targetIp: u32 = 0;

  /** Bytes after the packet (Ethernet padding) are ignored. */
  parse(packet: ArpPacket): WireError {
    if (packet.len < 8) return WireError.Truncated;
    if (packet.hardwareType() != ARP_HARDWARE_ETHERNET || packet.protocolType() != ETHERTYPE_IPV4 ||
        packet.hardwareLen() != ETHERNET_ADDR_LEN || packet.protocolLen() != IPV4_ADDR_LEN) {
      return WireError.Unsupported;
    }
    if (packet.len < ARP_PACKET_LEN) return WireError.Truncated;
    const op = packet.operation();
    if (op != ARP_REQUEST && op != ARP_REPLY) return WireError.Unsupported; // e.g. RARP (RFC 903)
    this.operation = op;
    this.senderMac = packet.senderMac();
    this.senderIp = packet.senderIp();
    this.targetMac = packet.targetMac();
    this.targetIp = packet.targetIp();
    return WireError.Ok;
  }

  bufferLen(): i32 { return ARP_PACKET_LEN; }

  emit(packet: ArpPacket): WireError {
    if (packet.len < ARP_PACKET_LEN) return WireError.NoRoom;
    packet.setHardwareType(ARP_HARDWARE_ETHERNET);
    packet.setProtocolType(ETHERTYPE_IPV4);
    packet.setHardwareLen(ETHERNET_ADDR_LEN);
    packet.setProtocolLen(IPV4_ADDR_LEN);
    packet.setOperation(this.operation);
    packet.setSenderMac(this.senderMac);
    packet.setSenderIp(this.senderIp);
    packet.setTargetMac(this.targetMac);
    packet.setTargetIp(this.targetIp);
    return WireError.Ok;
  }
}
