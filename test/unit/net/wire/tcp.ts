// TCP: Linux's handshake, data, SACK and FIN segments parse to the options
// Linux sent and re-emit byte for byte; broken options are tolerated (the
// segment still parses), broken headers are errors, nothing traps.
import "crust";
import { WireError } from "crust/net/wire/error";
import { ETHERNET_HEADER_LEN } from "crust/net/wire/ethernet";
import { Ipv4Packet, Ipv4Repr, ipv4 } from "crust/net/wire/ipv4";
import {
  TcpPacket, TcpRepr, TCP_HEADER_LEN, TCP_SYN, TCP_ACK, TCP_PSH, TCP_FIN, TCP_MAX_SACK_BLOCKS,
} from "crust/net/wire/tcp";
import {
  at, copyOf, everyPrefixFails, hex, parseCorrupted, sameBytes, Random,
  TCP_SYN as SYN, TCP_SYN_ACK as SYN_ACK, TCP_DATA as DATA, TCP_SACK as SACK, TCP_FIN as FIN, TCP_FIN_CLIENT as FIN_CLIENT,
} from "./captures";

const CLIENT = ipv4(10, 9, 0, 15);
const SERVER = ipv4(10, 9, 0, 2);
const TCP_AT = ETHERNET_HEADER_LEN + 20;

/** Parse the segment in a captured frame. */
function segmentOf(frame: StaticArray<u8>, repr: TcpRepr): WireError {
  const ip = new Ipv4Repr();
  const packet = new Ipv4Packet(at(frame) + ETHERNET_HEADER_LEN, frame.length - ETHERNET_HEADER_LEN);
  assert(ip.parse(packet) == WireError.Ok, "IP header");
  return repr.parse(new TcpPacket(packet.payload(), ip.payloadLen), ip.src, ip.dst);
}

/** Parse, emit, fill the checksum, compare with the capture. */
function reemits(frame: StaticArray<u8>): bool {
  const repr = new TcpRepr();
  if (segmentOf(frame, repr) != WireError.Ok) return false;
  const out = new StaticArray<u8>(repr.bufferLen());
  const view = new TcpPacket(at(out), out.length);
  if (repr.emit(view) != WireError.Ok || view.checksum() != 0) return false;
  const fromClient = load<u32>(at(frame) + ETHERNET_HEADER_LEN + 12) == bswap<u32>(CLIENT);
  view.fillChecksum(fromClient ? CLIENT : SERVER, fromClient ? SERVER : CLIENT);
  return out.length == frame.length - TCP_AT && sameBytes(at(out), at(frame) + TCP_AT, out.length);
}

function parseTcp(ptr: usize, len: i32): WireError {
  return new TcpRepr().parse(new TcpPacket(ptr, len), CLIENT, SERVER);
}

export function main(args: string[]): void {
  // The SYN Linux sends from connect(): MSS, SACK-permitted, timestamps, window scale.
  const syn = new TcpRepr();
  assert(segmentOf(SYN, syn) == WireError.Ok, "SYN parses");
  assert(syn.srcPort == 35472 && syn.dstPort == 8080 && syn.seq == 0xeae67fb5 && syn.ack == 0, "SYN header");
  assert(syn.flags == TCP_SYN && syn.has(TCP_SYN) && !syn.has(TCP_ACK) && syn.window == 64240, "SYN flags and window");
  assert(syn.mss == 1460 && syn.sackPermitted && syn.wscale == 10, "SYN options");
  assert(syn.hasTimestamp && syn.tsVal == 0xf2715896 && syn.tsEcr == 0 && syn.sackCount == 0 && syn.payloadLen == 0, "SYN timestamps");

  const synAck = new TcpRepr();
  assert(segmentOf(SYN_ACK, synAck) == WireError.Ok && synAck.flags == (TCP_SYN | TCP_ACK), "SYN-ACK parses");
  assert(synAck.ack == syn.seq + 1 && synAck.tsEcr == syn.tsVal && synAck.mss == 1460 && synAck.wscale == 10, "SYN-ACK answers the SYN");

  const data = new TcpRepr();
  assert(segmentOf(DATA, data) == WireError.Ok && data.flags == (TCP_PSH | TCP_ACK), "data segment parses");
  assert(data.mss == 0 && data.wscale == -1 && !data.sackPermitted && data.hasTimestamp, "only timestamps after the handshake");
  assert(data.payloadLen == 5 && String.UTF8.decodeUnsafe(data.payload, 5) == "hello", "data");

  // The duplicate ACK with one SACK block: 3 bytes 10 bytes past what is expected.
  const sack = new TcpRepr();
  assert(segmentOf(SACK, sack) == WireError.Ok && sack.ack == 0xeae67fbb, "SACK segment parses");
  assert(sack.sackCount == 1 && sack.sack[0] == 0xeae67fc5 && sack.sack[1] == 0xeae67fc8, "SACK block");
  const fin = new TcpRepr();
  assert(segmentOf(FIN, fin) == WireError.Ok && fin.has(TCP_FIN) && fin.sackCount == 1, "FIN with SACK");
  assert(segmentOf(FIN_CLIENT, fin) == WireError.Ok && fin.has(TCP_FIN) && fin.sackCount == 0, "client's FIN");

  // Every segment re-emits byte for byte, options in Linux's layout.
  assert(reemits(SYN) && reemits(SYN_ACK) && reemits(DATA) && reemits(SACK) && reemits(FIN) && reemits(FIN_CLIENT), "re-emit");

  // The header is checked: data offset, truncation, checksum.
  const bad = copyOf(SYN);
  const view = new TcpPacket(at(bad) + TCP_AT, bad.length - TCP_AT);
  view.setHeaderLen(16);
  assert(new TcpRepr().parse(view, CLIENT, SERVER, false) == WireError.Malformed, "data offset 4");
  view.setHeaderLen(44);
  assert(new TcpRepr().parse(view, CLIENT, SERVER, false) == WireError.Truncated, "data offset past the segment");
  view.setHeaderLen(40);
  assert(new TcpRepr().parse(view, CLIENT, SERVER) == WireError.Ok, "restored");
  view.setWindow(1);
  assert(new TcpRepr().parse(view, CLIENT, SERVER) == WireError.BadChecksum, "bad checksum");
  assert(new TcpRepr().parse(view, CLIENT, SERVER, false) == WireError.Ok, "unless the NIC checked it");
  assert(everyPrefixFails(SYN, TCP_AT, parseTcp), "every strict prefix fails");
  assert(everyPrefixFails(DATA, TCP_AT, parseTcp), "every strict prefix of data fails");

  checkOptions();
  checkEmit();
  checkRandom();
}

/** Options are parsed tolerantly: bad ones are skipped or end the list. */
function checkOptions(): void {
  const r = new TcpRepr();
  // Well-formed, in an order Linux does not use, with END and junk after it.
  assert(options(r, "0303 0e01 0402 0204 0218 0000 ffff ffff") && r.wscale == 14 && r.sackPermitted && r.mss == 536, "any order, END");
  assert(options(r, "0303 1001 0101 0101") && r.wscale == 14, "a window shift above 14 means 14 (RFC 7323 §2.3)");
  // Wrong lengths for known kinds are ignored; the rest still counts.
  assert(options(r, "0203 0501 0204 05b4") && r.mss == 1460, "MSS of length 3 skipped");
  assert(options(r, "0809 0000 0000 0000 0004 0200 0000 0000") && !r.hasTimestamp && r.sackPermitted, "timestamps of length 9");
  assert(options(r, "050b 0000 0001 0000 0002 0001 0402 0000") && r.sackCount == 0 && r.sackPermitted, "SACK of length 11");
  // Unknown kinds are skipped by their length.
  assert(options(r, "1e06 0000 0000 0204 0100 0000") && r.mss == 256, "unknown kind 30");
  // A length below 2 or past the header ends the list; what came before stays.
  assert(options(r, "0204 0100 0300 0402 0000 0000") && r.mss == 256 && !r.sackPermitted, "length 0");
  assert(options(r, "0204 0100 0301 0402 0000 0000") && r.mss == 256 && !r.sackPermitted, "length 1");
  assert(options(r, "0204 0100 0402 0810 0000 0000") && r.mss == 256 && r.sackPermitted && !r.hasTimestamp, "length past the header");
  assert(options(r, "0101 0101 0101 0102") && r.mss == 0, "a kind with no length byte");
  // Four SACK blocks fill the option space.
  assert(options(r, "0101 0522 0000 0001 0000 0002 0000 0003 0000 0004 0000 0005 0000 0006 0000 0007 0000 0008"), "4 blocks");
  assert(r.sackCount == TCP_MAX_SACK_BLOCKS && r.sack[0] == 1 && r.sack[7] == 8, "4 SACK blocks");
}

/** Parse a segment whose options are hex (a multiple of 4 bytes, as the data offset counts words). */
function options(repr: TcpRepr, optionHex: string): bool {
  const opts = hex(optionHex);
  assert(opts.length % 4 == 0, "test options must be whole words");
  const seg = new StaticArray<u8>(TCP_HEADER_LEN + opts.length);
  memory.copy(at(seg), at(SYN) + TCP_AT, TCP_HEADER_LEN);
  memory.copy(at(seg) + TCP_HEADER_LEN, at(opts), <usize>opts.length);
  new TcpPacket(at(seg), seg.length).setHeaderLen(seg.length);
  return repr.parse(new TcpPacket(at(seg), seg.length), CLIENT, SERVER, false) == WireError.Ok;
}

/** emit(): option layouts, SACK blocks limited by room, errors. */
function checkEmit(): void {
  const r = new TcpRepr();
  r.srcPort = 80;
  r.dstPort = 40000;
  r.flags = TCP_ACK;
  r.sackCount = 4;
  for (let i = 0; i < 8; i++) r.sack[i] = <u32>(i + 1);
  assert(r.sackBlocksSent() == 4 && r.headerLen() == 56, "4 SACK blocks without timestamps");
  r.hasTimestamp = true;
  assert(r.sackBlocksSent() == 3 && r.headerLen() == 60, "3 with timestamps (RFC 2018 §3)");
  const out = new StaticArray<u8>(60);
  assert(r.emit(new TcpPacket(at(out), 60)) == WireError.Ok, "emits 3 blocks");
  const back = new TcpRepr();
  assert(back.parse(new TcpPacket(at(out), 60), CLIENT, SERVER, false) == WireError.Ok && back.sackCount == 3, "3 blocks back");
  assert(back.sack[0] == 1 && back.sack[5] == 6, "the first blocks are kept");

  // SACK-permitted alone, and a bare header.
  const plain = new TcpRepr();
  plain.flags = TCP_SYN;
  plain.sackPermitted = true;
  assert(plain.headerLen() == 24 && plain.emit(new TcpPacket(at(out), 24)) == WireError.Ok, "SACK-permitted alone");
  assert(out[20] == 1 && out[21] == 1 && out[22] == 4 && out[23] == 2, "as NOP NOP SACK-permitted");
  plain.sackPermitted = false;
  assert(plain.headerLen() == TCP_HEADER_LEN, "no options");

  // Errors: no room (nothing written), values the header cannot carry.
  const small = new StaticArray<u8>(59);
  assert(r.emit(new TcpPacket(at(small), 59)) == WireError.NoRoom, "no room");
  for (let i = 0; i < small.length; i++) assert(small[i] == 0, "nothing written");
  r.wscale = 15;
  assert(r.emit(new TcpPacket(at(out), 60)) == WireError.Malformed, "window shift 15");
  r.wscale = -1;
  r.sackCount = 5;
  assert(r.emit(new TcpPacket(at(out), 60)) == WireError.Malformed, "5 SACK blocks");
}

/** Random option bytes and corrupted segments never trap, and what parses is in range. */
function checkRandom(): void {
  const rng = new Random(9293);
  parseCorrupted(SYN, 3000, rng, (ptr: usize, len: i32): WireError => parseTcp(ptr + TCP_AT, len - TCP_AT));
  const seg = new StaticArray<u8>(80);
  const r = new TcpRepr();
  for (let round = 0; round < 5000; round++) {
    rng.fill(at(seg), seg.length);
    const options = rng.below(11) * 4;
    // Small kinds and lengths half the time, so real option kinds come up.
    if ((round & 1) == 0) for (let i = 0; i < options; i++) seg[TCP_HEADER_LEN + i] = <u8>rng.below(12);
    const len = TCP_HEADER_LEN + options + rng.below(20);
    const view = new TcpPacket(at(seg), len);
    view.setHeaderLen(TCP_HEADER_LEN + options);
    assert(r.parse(view, CLIENT, SERVER, false) == WireError.Ok, "any options parse");
    assert(r.wscale >= -1 && r.wscale <= 14 && r.sackCount >= 0 && r.sackCount <= TCP_MAX_SACK_BLOCKS, "options in range");
    assert(r.payloadLen == len - TCP_HEADER_LEN - options, "payload after the options");
    const out = new StaticArray<u8>(r.bufferLen());
    assert(r.emit(new TcpPacket(at(out), out.length)) == WireError.Ok, "what parses emits");
  }
}
