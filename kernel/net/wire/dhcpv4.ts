// DHCP messages (RFC 2131 §2: the BOOTP format of RFC 951 with options) and
// the options a client needs (RFC 2132): message type, server identifier,
// requested address, lease, renewal and rebinding times, subnet mask,
// broadcast address, routers, DNS servers, parameter request list and
// maximum message size. Other options are skipped by their length. Options
// the server moved into the sname/file fields (option overload, RFC 2132
// §9.3) are read too.
// Addresses and times of 0 mean "absent" in DhcpRepr (neither is a valid
// value for any of these options). Address lists keep their first
// DHCP_MAX_ADDRESSES entries, so a message never grows memory.
// Accessors never read outside the message; parse() never traps; emit()
// only fails if the buffer is too small.
import { ByteView } from "./bytes";
import { WireError } from "./error";
import { ETHERNET_ADDR_LEN } from "./ethernet";

export const DHCP_SERVER_PORT: u16 = 67; // RFC 2131 §4.1
export const DHCP_CLIENT_PORT: u16 = 68;

// op (RFC 2131 §2, "Table 1").
export const BOOTREQUEST: u8 = 1;
export const BOOTREPLY: u8 = 2;
/** htype for Ethernet (IANA ARP "Hardware Types", as in ARP). */
export const DHCP_HTYPE_ETHERNET: u8 = 1;
/** flags: the client cannot receive unicast before it is configured (RFC 2131 §2, Figure 2). */
export const DHCP_FLAG_BROADCAST: u16 = 0x8000;
/** 99.130.83.99 at the start of the options (RFC 2131 §3, RFC 2132 §2). */
export const DHCP_MAGIC_COOKIE: u32 = 0x63825363;
/** The fixed fields, op through file (236 bytes), then the cookie. */
export const DHCP_OPTIONS_OFFSET: i32 = 240;
/** The smallest BOOTP message relays must accept; senders pad to it (RFC 1542 §2.1). */
export const DHCP_MIN_LEN: i32 = 300;

// Field offsets (RFC 2131 §2, Figure 1).
const SNAME_OFFSET: i32 = 44; // 64 bytes
const FILE_OFFSET: i32 = 108; // 128 bytes
const COOKIE_OFFSET: i32 = 236;

// Message types, the value of option 53 (RFC 2132 §9.6).
export const DHCPDISCOVER: u8 = 1;
export const DHCPOFFER: u8 = 2;
export const DHCPREQUEST: u8 = 3;
export const DHCPDECLINE: u8 = 4;
export const DHCPACK: u8 = 5;
export const DHCPNAK: u8 = 6;
export const DHCPRELEASE: u8 = 7;
export const DHCPINFORM: u8 = 8;

// Option codes (RFC 2132, section given).
export const DHCP_OPT_PAD: u8 = 0; // §3.1
export const DHCP_OPT_SUBNET_MASK: u8 = 1; // §3.3
export const DHCP_OPT_ROUTER: u8 = 3; // §3.5
export const DHCP_OPT_DNS_SERVER: u8 = 6; // §3.8
export const DHCP_OPT_BROADCAST_ADDRESS: u8 = 28; // §5.3
export const DHCP_OPT_REQUESTED_IP: u8 = 50; // §9.1
export const DHCP_OPT_LEASE_TIME: u8 = 51; // §9.2
export const DHCP_OPT_OVERLOAD: u8 = 52; // §9.3
export const DHCP_OPT_MESSAGE_TYPE: u8 = 53; // §9.6
export const DHCP_OPT_SERVER_ID: u8 = 54; // §9.7
export const DHCP_OPT_PARAMETER_REQUEST_LIST: u8 = 55; // §9.8
export const DHCP_OPT_MAX_MESSAGE_SIZE: u8 = 57; // §9.10
export const DHCP_OPT_RENEWAL_TIME: u8 = 58; // §9.11
export const DHCP_OPT_REBINDING_TIME: u8 = 59; // §9.12
export const DHCP_OPT_END: u8 = 255; // §3.2

// Option overload values (RFC 2132 §9.3).
const OVERLOAD_FILE: u8 = 1;
const OVERLOAD_SNAME: u8 = 2;

/** Routers and DNS servers kept per message. */
export const DHCP_MAX_ADDRESSES: i32 = 4;
/** Parameter request list entries kept per message. */
export const DHCP_MAX_REQUESTS: i32 = 32;

/** The order emit() writes options in: dnsmasq's, so its replies re-emit byte for byte. */
const EMIT_ORDER: StaticArray<u8> = [
  DHCP_OPT_MESSAGE_TYPE, DHCP_OPT_REQUESTED_IP, DHCP_OPT_SERVER_ID, DHCP_OPT_LEASE_TIME,
  DHCP_OPT_RENEWAL_TIME, DHCP_OPT_REBINDING_TIME, DHCP_OPT_SUBNET_MASK, DHCP_OPT_BROADCAST_ADDRESS,
  DHCP_OPT_DNS_SERVER, DHCP_OPT_ROUTER, DHCP_OPT_PARAMETER_REQUEST_LIST, DHCP_OPT_MAX_MESSAGE_SIZE,
];

/** A view of a DHCP message: the whole UDP payload. */
export class DhcpPacket extends ByteView {
  op(): u8 { return this.getU8(0); }
  hardwareType(): u8 { return this.getU8(1); }
  hardwareLen(): u8 { return this.getU8(2); }
  hops(): u8 { return this.getU8(3); }
  xid(): u32 { return this.getU32(4); }
  secs(): u16 { return this.getU16(8); }
  flags(): u16 { return this.getU16(10); }
  /** ciaddr, yiaddr, siaddr, giaddr. */
  clientAddr(): u32 { return this.getU32(12); }
  yourAddr(): u32 { return this.getU32(16); }
  serverAddr(): u32 { return this.getU32(20); }
  relayAddr(): u32 { return this.getU32(24); }
  /** chaddr as a MAC address (ethernet.ts). */
  clientMac(): u64 { return this.getU48(28); }
  magicCookie(): u32 { return this.getU32(COOKIE_OFFSET); }

  setOp(v: u8): void { this.setU8(0, v); }
  setHardware(type: u8, len: u8): void { this.setU8(1, type); this.setU8(2, len); }
  setHops(v: u8): void { this.setU8(3, v); }
  setXid(v: u32): void { this.setU32(4, v); }
  setSecs(v: u16): void { this.setU16(8, v); }
  setFlags(v: u16): void { this.setU16(10, v); }
  setClientAddr(v: u32): void { this.setU32(12, v); }
  setYourAddr(v: u32): void { this.setU32(16, v); }
  setServerAddr(v: u32): void { this.setU32(20, v); }
  setRelayAddr(v: u32): void { this.setU32(24, v); }
  setClientMac(v: u64): void { this.setU48(28, v); }
  setMagicCookie(v: u32): void { this.setU32(COOKIE_OFFSET, v); }
}

/** A DHCP message's meaning. */
export class DhcpRepr {
  op: u8 = BOOTREQUEST;
  messageType: u8 = DHCPDISCOVER;
  xid: u32 = 0;
  secs: u16 = 0;
  broadcast: bool = false;
  clientAddr: u32 = 0;
  yourAddr: u32 = 0;
  serverAddr: u32 = 0;
  relayAddr: u32 = 0;
  clientMac: u64 = 0;
  // Options; 0 = absent.
  serverId: u32 = 0;
  requestedIp: u32 = 0;
  subnetMask: u32 = 0;
  broadcastAddr: u32 = 0;
  /** Seconds. */
  leaseTime: u32 = 0;
  renewalTime: u32 = 0;
  rebindingTime: u32 = 0;
  maxMessageSize: u16 = 0;
  routers: StaticArray<u32> = new StaticArray<u32>(DHCP_MAX_ADDRESSES);
  routerCount: i32 = 0;
  dnsServers: StaticArray<u32> = new StaticArray<u32>(DHCP_MAX_ADDRESSES);
  dnsServerCount: i32 = 0;
  /** Option codes the client asks for. */
  requests: StaticArray<u8> = new StaticArray<u8>(DHCP_MAX_REQUESTS);
  requestCount: i32 = 0;
  /** Option overload (RFC 2132 §9.3) of the message being parsed. */
  private overload: u8 = 0;

  parse(packet: DhcpPacket): WireError {
    if (packet.len < DHCP_OPTIONS_OFFSET) return WireError.Truncated;
    if (packet.magicCookie() != DHCP_MAGIC_COOKIE) return WireError.Unsupported; // plain BOOTP
    const op = packet.op();
    if (op != BOOTREQUEST && op != BOOTREPLY) return WireError.Malformed;
    if (packet.hardwareType() != DHCP_HTYPE_ETHERNET || packet.hardwareLen() != ETHERNET_ADDR_LEN) return WireError.Unsupported;
    this.op = op;
    this.xid = packet.xid();
    this.secs = packet.secs();
    this.broadcast = (packet.flags() & DHCP_FLAG_BROADCAST) != 0;
    this.clientAddr = packet.clientAddr();
    this.yourAddr = packet.yourAddr();
    this.serverAddr = packet.serverAddr();
    this.relayAddr = packet.relayAddr();
    this.clientMac = packet.clientMac();
    this.clearOptions();
    let err = this.parseOptions(packet, DHCP_OPTIONS_OFFSET, packet.len);
    const overload = this.overload;
    if (err == WireError.Ok && (overload & OVERLOAD_FILE) != 0) err = this.parseOptions(packet, FILE_OFFSET, COOKIE_OFFSET);
    if (err == WireError.Ok && (overload & OVERLOAD_SNAME) != 0) err = this.parseOptions(packet, SNAME_OFFSET, FILE_OFFSET);
    if (err != WireError.Ok) return err;
    // RFC 2131 §3: every DHCP message carries its type.
    if (this.messageType == 0) return WireError.Malformed;
    if (this.messageType > DHCPINFORM) return WireError.Unsupported;
    return WireError.Ok;
  }

  /** Bytes for the options emit() writes, END included. */
  optionsLen(): i32 {
    let n = 1;
    for (let i = 0; i < EMIT_ORDER.length; i++) {
      const len = this.valueLen(EMIT_ORDER[i]);
      if (len > 0) n += 2 + len;
    }
    return n;
  }

  /** What to allocate: the message, padded to the BOOTP minimum. */
  bufferLen(): i32 { return max(DHCP_MIN_LEN, DHCP_OPTIONS_OFFSET + this.optionsLen()); }

  /** Write the message; the rest of the buffer after END is zeroed (pad), so
   *  size the view to the message, e.g. bufferLen(). */
  emit(packet: DhcpPacket): WireError {
    if (this.routerCount < 0 || this.routerCount > DHCP_MAX_ADDRESSES || this.dnsServerCount < 0 ||
        this.dnsServerCount > DHCP_MAX_ADDRESSES || this.requestCount < 0 || this.requestCount > DHCP_MAX_REQUESTS) {
      return WireError.Malformed;
    }
    if (packet.len < DHCP_OPTIONS_OFFSET + this.optionsLen()) return WireError.NoRoom;
    packet.fill(0, packet.len, 0); // hops, sname, file and the pad are zero
    packet.setOp(this.op);
    packet.setHardware(DHCP_HTYPE_ETHERNET, ETHERNET_ADDR_LEN);
    packet.setXid(this.xid);
    packet.setSecs(this.secs);
    packet.setFlags(this.broadcast ? DHCP_FLAG_BROADCAST : 0);
    packet.setClientAddr(this.clientAddr);
    packet.setYourAddr(this.yourAddr);
    packet.setServerAddr(this.serverAddr);
    packet.setRelayAddr(this.relayAddr);
    packet.setClientMac(this.clientMac);
    packet.setMagicCookie(DHCP_MAGIC_COOKIE);
    let at = DHCP_OPTIONS_OFFSET;
    for (let i = 0; i < EMIT_ORDER.length; i++) at = this.emitOption(packet, at, EMIT_ORDER[i]);
    packet.setU8(at, DHCP_OPT_END);
    return WireError.Ok;
  }

  // ---- options ----

  private clearOptions(): void {
    this.messageType = 0;
    this.overload = 0;
    this.serverId = 0;
    this.requestedIp = 0;
    this.subnetMask = 0;
    this.broadcastAddr = 0;
    this.leaseTime = 0;
    this.renewalTime = 0;
    this.rebindingTime = 0;
    this.maxMessageSize = 0;
    this.routerCount = 0;
    this.dnsServerCount = 0;
    this.requestCount = 0;
  }

  /** Options in [start, end), which must end with END (RFC 2132 §2). */
  private parseOptions(packet: DhcpPacket, start: i32, end: i32): WireError {
    let i = start;
    while (true) {
      if (i >= end) return WireError.Truncated;
      const code = packet.getU8(i);
      if (code == DHCP_OPT_END) return WireError.Ok;
      if (code == DHCP_OPT_PAD) { i++; continue; }
      if (i + 2 > end) return WireError.Truncated;
      const len = <i32>packet.getU8(i + 1);
      const v = i + 2;
      if (v + len > end) return WireError.Truncated;
      if (isWordOption(code)) {
        if (len != 4) return WireError.Malformed;
        this.setWord(code, packet.getU32(v));
      } else if (code == DHCP_OPT_ROUTER || code == DHCP_OPT_DNS_SERVER) {
        if (len == 0 || len % 4 != 0) return WireError.Malformed;
        const list = code == DHCP_OPT_ROUTER ? this.routers : this.dnsServers;
        const n = min(len / 4, DHCP_MAX_ADDRESSES);
        for (let k = 0; k < n; k++) list[k] = packet.getU32(v + 4 * k);
        if (code == DHCP_OPT_ROUTER) this.routerCount = n; else this.dnsServerCount = n;
      } else if (code == DHCP_OPT_MESSAGE_TYPE || code == DHCP_OPT_OVERLOAD) {
        if (len != 1) return WireError.Malformed;
        if (code == DHCP_OPT_MESSAGE_TYPE) this.messageType = packet.getU8(v);
        else if (start == DHCP_OPTIONS_OFFSET) this.overload = packet.getU8(v);
      } else if (code == DHCP_OPT_MAX_MESSAGE_SIZE) {
        if (len != 2) return WireError.Malformed;
        this.maxMessageSize = packet.getU16(v);
      } else if (code == DHCP_OPT_PARAMETER_REQUEST_LIST) {
        const n = min(len, DHCP_MAX_REQUESTS);
        for (let k = 0; k < n; k++) this.requests[k] = packet.getU8(v + k);
        this.requestCount = n;
      }
      i = v + len;
    }
  }

  /** How many value bytes option code takes in emit(); 0 = not sent. */
  private valueLen(code: u8): i32 {
    if (isWordOption(code)) return this.getWord(code) != 0 ? 4 : 0;
    if (code == DHCP_OPT_ROUTER) return 4 * this.routerCount;
    if (code == DHCP_OPT_DNS_SERVER) return 4 * this.dnsServerCount;
    if (code == DHCP_OPT_MESSAGE_TYPE) return 1;
    if (code == DHCP_OPT_MAX_MESSAGE_SIZE) return this.maxMessageSize != 0 ? 2 : 0;
    if (code == DHCP_OPT_PARAMETER_REQUEST_LIST) return this.requestCount;
    return 0;
  }

  /** Write option code at `at` if it is present; returns the next offset. */
  private emitOption(packet: DhcpPacket, at: i32, code: u8): i32 {
    const len = this.valueLen(code);
    if (len == 0) return at;
    packet.setU8(at, code);
    packet.setU8(at + 1, <u8>len);
    const v = at + 2;
    if (isWordOption(code)) {
      packet.setU32(v, this.getWord(code));
    } else if (code == DHCP_OPT_ROUTER || code == DHCP_OPT_DNS_SERVER) {
      const list = code == DHCP_OPT_ROUTER ? this.routers : this.dnsServers;
      for (let k = 0; k < len / 4; k++) packet.setU32(v + 4 * k, list[k]);
    } else if (code == DHCP_OPT_MESSAGE_TYPE) {
      packet.setU8(v, this.messageType);
    } else if (code == DHCP_OPT_MAX_MESSAGE_SIZE) {
      packet.setU16(v, this.maxMessageSize);
    } else if (code == DHCP_OPT_PARAMETER_REQUEST_LIST) {
      for (let k = 0; k < len; k++) packet.setU8(v + k, this.requests[k]);
    }
    return v + len;
  }

  /** The 4-byte options, by code. */
  private getWord(code: u8): u32 {
    switch (code) {
      case DHCP_OPT_SERVER_ID: return this.serverId;
      case DHCP_OPT_REQUESTED_IP: return this.requestedIp;
      case DHCP_OPT_SUBNET_MASK: return this.subnetMask;
      case DHCP_OPT_BROADCAST_ADDRESS: return this.broadcastAddr;
      case DHCP_OPT_LEASE_TIME: return this.leaseTime;
      case DHCP_OPT_RENEWAL_TIME: return this.renewalTime;
      case DHCP_OPT_REBINDING_TIME: return this.rebindingTime;
    }
    return 0;
  }

  private setWord(code: u8, v: u32): void {
    switch (code) {
      case DHCP_OPT_SERVER_ID: this.serverId = v; break;
      case DHCP_OPT_REQUESTED_IP: this.requestedIp = v; break;
      case DHCP_OPT_SUBNET_MASK: this.subnetMask = v; break;
      case DHCP_OPT_BROADCAST_ADDRESS: this.broadcastAddr = v; break;
      case DHCP_OPT_LEASE_TIME: this.leaseTime = v; break;
      case DHCP_OPT_RENEWAL_TIME: this.renewalTime = v; break;
      case DHCP_OPT_REBINDING_TIME: this.rebindingTime = v; break;
    }
  }
}

/** Options whose value is one address or one 32-bit time. */
function isWordOption(code: u8): bool {
  return code == DHCP_OPT_SERVER_ID || code == DHCP_OPT_REQUESTED_IP || code == DHCP_OPT_SUBNET_MASK ||
    code == DHCP_OPT_BROADCAST_ADDRESS || code == DHCP_OPT_LEASE_TIME || code == DHCP_OPT_RENEWAL_TIME ||
    code == DHCP_OPT_REBINDING_TIME;
}
