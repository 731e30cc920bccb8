// DHCP: dnsmasq's OFFER and ACK parse to the lease they describe and, built
// back from their Reprs through every layer, are the frames dnsmasq sent;
// option errors are typed; the option overload is followed; nothing traps.
import "crust";
import { WireError } from "crust/net/wire/error";
import { EthernetFrame, EthernetRepr, ETHERNET_HEADER_LEN } from "crust/net/wire/ethernet";
import { Ipv4Packet, Ipv4Repr, ipv4 } from "crust/net/wire/ipv4";
import { UdpPacket, UdpRepr } from "crust/net/wire/udp";
import {
  DhcpPacket, DhcpRepr, BOOTREPLY, BOOTREQUEST, DHCPDISCOVER, DHCPOFFER, DHCPREQUEST, DHCPACK, DHCP_MIN_LEN,
  DHCP_OPTIONS_OFFSET, DHCP_MAX_ADDRESSES, DHCP_OPT_SUBNET_MASK, DHCP_OPT_ROUTER, DHCP_OPT_DNS_SERVER, DHCP_OPT_LEASE_TIME,
} from "crust/net/wire/dhcpv4";
import {
  at, copyOf, everyPrefixFails, hex, parseCorrupted, sameBytes, Random, DHCP_DISCOVER, DHCP_OFFER, DHCP_REQUEST, DHCP_ACK,
} from "./captures";

const DHCP_AT = ETHERNET_HEADER_LEN + 20 + 8;
const CLIENT_MAC: u64 = 0x525400123456;
const SERVER = ipv4(10, 9, 0, 2);
const XID: u32 = 0x3903f326;

function dhcpOf(frame: StaticArray<u8>): DhcpPacket {
  return new DhcpPacket(at(frame) + DHCP_AT, frame.length - DHCP_AT);
}

function parseDhcp(ptr: usize, len: i32): WireError {
  return new DhcpRepr().parse(new DhcpPacket(ptr, len));
}

export function main(args: string[]): void {
  const offer = new DhcpRepr();
  assert(offer.parse(dhcpOf(DHCP_OFFER)) == WireError.Ok, "OFFER parses");
  assert(offer.op == BOOTREPLY && offer.messageType == DHCPOFFER && offer.xid == XID && offer.clientMac == CLIENT_MAC, "OFFER header");
  assert(offer.yourAddr == ipv4(10, 9, 0, 107) && offer.serverAddr == SERVER && offer.clientAddr == 0 && offer.relayAddr == 0, "OFFER addresses");
  assert(offer.serverId == SERVER && offer.subnetMask == ipv4(255, 255, 255, 0) && offer.broadcastAddr == ipv4(10, 9, 0, 255), "OFFER options");
  assert(offer.leaseTime == 12 * 3600 && offer.renewalTime == 6 * 3600 && offer.rebindingTime == 37800, "lease 12h, T1 6h, T2 10h30m");
  assert(offer.routerCount == 1 && offer.routers[0] == SERVER && offer.dnsServerCount == 1 && offer.dnsServers[0] == SERVER, "router and DNS");
  assert(!offer.broadcast && offer.requestedIp == 0 && offer.requestCount == 0, "absent options are 0");

  const ack = new DhcpRepr();
  assert(ack.parse(dhcpOf(DHCP_ACK)) == WireError.Ok && ack.messageType == DHCPACK && ack.yourAddr == offer.yourAddr, "ACK parses");

  // The client's messages (written by the capture script).
  const discover = new DhcpRepr();
  assert(discover.parse(dhcpOf(DHCP_DISCOVER)) == WireError.Ok, "DISCOVER parses");
  assert(discover.op == BOOTREQUEST && discover.messageType == DHCPDISCOVER && discover.clientMac == CLIENT_MAC, "DISCOVER header");
  assert(discover.requestCount == 4 && discover.requests[0] == DHCP_OPT_SUBNET_MASK && discover.requests[1] == DHCP_OPT_ROUTER &&
    discover.requests[2] == DHCP_OPT_DNS_SERVER && discover.requests[3] == DHCP_OPT_LEASE_TIME, "parameter request list");
  const request = new DhcpRepr();
  assert(request.parse(dhcpOf(DHCP_REQUEST)) == WireError.Ok && request.messageType == DHCPREQUEST, "REQUEST parses");
  assert(request.requestedIp == offer.yourAddr && request.serverId == SERVER, "REQUEST names the offer");

  // Each re-emits byte for byte, dnsmasq's replies as whole frames.
  assert(frameReemits(DHCP_OFFER) && frameReemits(DHCP_ACK), "dnsmasq's replies re-emit");
  assert(messageReemits(DHCP_DISCOVER) && messageReemits(DHCP_REQUEST), "the client's messages re-emit");
  assert(offer.bufferLen() == DHCP_MIN_LEN, "padded to the BOOTP minimum");

  // A DISCOVER built from scratch, as a client would.
  const built = new DhcpRepr();
  built.xid = XID;
  built.clientMac = CLIENT_MAC;
  built.messageType = DHCPDISCOVER;
  built.requests[0] = DHCP_OPT_SUBNET_MASK;
  built.requests[1] = DHCP_OPT_ROUTER;
  built.requests[2] = DHCP_OPT_DNS_SERVER;
  built.requests[3] = DHCP_OPT_LEASE_TIME;
  built.requestCount = 4;
  const out = new StaticArray<u8>(DHCP_DISCOVER.length - DHCP_AT);
  assert(built.emit(new DhcpPacket(at(out), out.length)) == WireError.Ok, "DISCOVER emits");
  assert(sameBytes(at(out), at(DHCP_DISCOVER) + DHCP_AT, out.length), "built DISCOVER is the script's");
  assert(built.emit(new DhcpPacket(at(out), DHCP_OPTIONS_OFFSET + 9)) == WireError.NoRoom, "no room for the options");

  checkErrors();
  checkOverload();
  checkRandom();
}

/** Build the frame from the parsed Reprs of every layer; compare. */
function frameReemits(frame: StaticArray<u8>): bool {
  const eth = new EthernetRepr();
  const ip = new Ipv4Repr();
  const udp = new UdpRepr();
  const dhcp = new DhcpRepr();
  const inFrame = new EthernetFrame(at(frame), frame.length);
  const inIp = new Ipv4Packet(inFrame.payload(), inFrame.payloadLen());
  if (eth.parse(inFrame) != WireError.Ok || ip.parse(inIp) != WireError.Ok) return false;
  if (udp.parse(new UdpPacket(inIp.payload(), ip.payloadLen), ip.src, ip.dst) != WireError.Ok) return false;
  if (dhcp.parse(new DhcpPacket(udp.payload, udp.payloadLen)) != WireError.Ok) return false;

  const out = new StaticArray<u8>(ETHERNET_HEADER_LEN + 20 + 8 + dhcp.bufferLen());
  const outFrame = new EthernetFrame(at(out), out.length);
  const outIp = new Ipv4Packet(outFrame.payload(), outFrame.payloadLen());
  const outUdp = new UdpPacket(outIp.ptrAt(20), outIp.lenFrom(20));
  const outDhcp = new DhcpPacket(outUdp.ptrAt(8), outUdp.lenFrom(8));
  if (dhcp.emit(outDhcp) != WireError.Ok) return false;
  udp.payload = outDhcp.ptr; // already in place
  udp.payloadLen = outDhcp.len;
  if (udp.emit(outUdp) != WireError.Ok) return false;
  outUdp.fillChecksum(ip.src, ip.dst);
  ip.payloadLen = udp.bufferLen();
  if (ip.emit(outIp) != WireError.Ok || eth.emit(outFrame) != WireError.Ok) return false;
  return out.length == frame.length && sameBytes(at(out), at(frame), out.length);
}

/** Re-emit only the DHCP message, into a buffer of its captured size. */
function messageReemits(frame: StaticArray<u8>): bool {
  const repr = new DhcpRepr();
  if (repr.parse(dhcpOf(frame)) != WireError.Ok) return false;
  const out = new StaticArray<u8>(frame.length - DHCP_AT);
  return repr.emit(new DhcpPacket(at(out), out.length)) == WireError.Ok && sameBytes(at(out), at(frame) + DHCP_AT, out.length);
}

/** The OFFER with its options replaced by hex. */
function offerWith(options: string): DhcpPacket {
  const bytes = hex(options);
  const copy = copyOf(DHCP_OFFER);
  const packet = dhcpOf(copy);
  packet.fill(DHCP_OPTIONS_OFFSET, packet.len - DHCP_OPTIONS_OFFSET, 0);
  packet.copyIn(DHCP_OPTIONS_OFFSET, at(bytes), bytes.length);
  return packet;
}

function checkErrors(): void {
  const r = new DhcpRepr();
  // The OFFER's END option is byte 291: every prefix without it is
  // Truncated, and the padding after it may be cut.
  const offer = at(DHCP_OFFER) + DHCP_AT;
  for (let n = 0; n <= 291; n++) assert(parseDhcp(offer, n) == WireError.Truncated, "prefix without END");
  for (let n = 292; n <= DHCP_MIN_LEN; n++) assert(parseDhcp(offer, n) == WireError.Ok, "prefix with END");
  assert(everyPrefixFails(DHCP_DISCOVER, DHCP_AT, parseDhcp), "every strict prefix of the DISCOVER fails");
  assert(r.parse(offerWith("3501 02")) == WireError.Truncated, "no END");
  assert(r.parse(offerWith("3501 02ff")) == WireError.Ok && r.messageType == DHCPOFFER && r.leaseTime == 0, "only the message type");
  assert(r.parse(offerWith("0000 3501 0200 00ff")) == WireError.Ok, "PAD options");
  assert(r.parse(offerWith("3304 0000 0e10 ff")) == WireError.Malformed, "no message type (RFC 2131 §3)");
  assert(r.parse(offerWith("3502 0202 ff")) == WireError.Malformed, "message type of length 2");
  assert(r.parse(offerWith("3501 0236 030a 0900 ff")) == WireError.Malformed, "server id of length 3");
  assert(r.parse(offerWith("3501 0203 06 0a09 0001 0a ff")) == WireError.Malformed, "router list of 6 bytes");
  assert(r.parse(offerWith("3501 0203 00ff")) == WireError.Malformed, "empty router list");
  assert(r.parse(offerWith("3501 2aff")) == WireError.Unsupported, "message type 42");
  assert(r.parse(offerWith("3501 020c 0563 7275 7374 ff")) == WireError.Ok, "unknown option (host name) skipped");
  // Five DNS servers: the first four are kept.
  assert(r.parse(offerWith("3501 0206 1401 0101 0102 0202 0203 0303 0304 0404 0405 0505 05ff")) == WireError.Ok, "5 DNS servers");
  assert(r.dnsServerCount == DHCP_MAX_ADDRESSES && r.dnsServers[3] == ipv4(4, 4, 4, 4), "the first 4 kept");
  // Not DHCP: a plain BOOTP message (no cookie), another op, other hardware.
  const copy = copyOf(DHCP_OFFER);
  const p = dhcpOf(copy);
  p.setMagicCookie(0);
  assert(r.parse(p) == WireError.Unsupported, "no magic cookie");
  p.setMagicCookie(0x63825363);
  p.setOp(3);
  assert(r.parse(p) == WireError.Malformed, "op 3");
  p.setOp(2);
  p.setHardware(6, 6);
  assert(r.parse(p) == WireError.Unsupported, "hardware type 6");
  p.setHardware(1, 6);
  assert(r.parse(p) == WireError.Ok, "restored");
}

/** Option overload (RFC 2132 §9.3): more options in the file and sname fields. */
function checkOverload(): void {
  const copy = copyOf(DHCP_OFFER);
  const p = dhcpOf(copy);
  const options = hex("3501 0234 0103 ff");
  p.fill(DHCP_OPTIONS_OFFSET, p.len - DHCP_OPTIONS_OFFSET, 0);
  p.copyIn(DHCP_OPTIONS_OFFSET, at(options), options.length);
  const inFile = hex("0104 ffff ff00 ff"); // subnet mask, in the file field (offset 108)
  const inSname = hex("3304 0000 0e10 ff"); // lease time, in the sname field (offset 44)
  p.copyIn(108, at(inFile), inFile.length);
  p.copyIn(44, at(inSname), inSname.length);
  const r = new DhcpRepr();
  assert(r.parse(p) == WireError.Ok && r.subnetMask == 0xffffff00 && r.leaseTime == 3600, "options in file and sname");
  p.setU8(DHCP_OPTIONS_OFFSET + 5, 1); // file only
  assert(r.parse(p) == WireError.Ok && r.subnetMask == 0xffffff00 && r.leaseTime == 0, "file only");
}

function checkRandom(): void {
  const rng = new Random(2131);
  parseCorrupted(DHCP_OFFER, 3000, rng, (ptr: usize, len: i32): WireError => parseDhcp(ptr + DHCP_AT, len - DHCP_AT));
  // Random options after a valid fixed part: mostly known codes with random
  // lengths and values, often a message type first and END last. Never a
  // trap; what parses emits and parses back alike.
  const msg = copyOf(DHCP_OFFER);
  const p = dhcpOf(msg);
  const codes: u8[] = [53, 1, 3, 6, 28, 50, 51, 52, 54, 55, 57, 58, 59, 12, 0];
  let parsed = 0;
  for (let round = 0; round < 3000; round++) {
    rng.fill(p.ptr + DHCP_OPTIONS_OFFSET, p.len - DHCP_OPTIONS_OFFSET);
    let i = DHCP_OPTIONS_OFFSET;
    if (rng.below(4) != 0) {
      p.setU8(i, 53);
      p.setU8(i + 1, 1);
      p.setU8(i + 2, <u8>(1 + rng.below(9)));
      i += 3;
    }
    while (i < 280 && rng.below(5) != 0) {
      const len = <u8>rng.below(9);
      p.setU8(i, codes[rng.below(codes.length)]);
      p.setU8(i + 1, len);
      i += 2 + <i32>len;
    }
    if (rng.below(4) != 0 && i < p.len) p.setU8(i++, 255);
    const n = min(i + rng.below(3), p.len);
    const r = new DhcpRepr();
    if (r.parse(new DhcpPacket(p.ptr, n)) == WireError.Ok) {
      parsed++;
      const out = new StaticArray<u8>(r.bufferLen());
      assert(r.emit(new DhcpPacket(at(out), out.length)) == WireError.Ok, "what parses emits");
      const back = new DhcpRepr();
      assert(back.parse(new DhcpPacket(at(out), out.length)) == WireError.Ok && back.messageType == r.messageType &&
        back.leaseTime == r.leaseTime && back.routerCount == r.routerCount && back.dnsServerCount == r.dnsServerCount &&
        back.serverId == r.serverId && back.subnetMask == r.subnetMask && back.requestCount == r.requestCount, "and parses back alike");
    }
  }
  assert(parsed > 50, "random options parsed sometimes");
}
