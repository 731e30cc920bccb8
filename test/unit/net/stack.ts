// The assembled stack with TCP on top: Linux's SYN (nc 10.99.0.58 7) to a
// listening port is answered with a SYN-ACK whose checksum the IP layer
// completed, in software or by the NIC's offload; before anyone asks for
// network().tcp, TCP does not exist and the SYN is counted, not answered.
import "crust";
import { NetCounter } from "crust/net/counters";
import { ipv4 } from "crust/net/wire/ipv4";
import { pseudoHeaderSum } from "crust/net/wire/checksum";
import { Stream, StreamAcceptor } from "crust/net/stream";
import { TestNet, hex, be16, be32, transportChecksumOk } from "./fakenet";

const GUEST_IP = ipv4(10, 99, 0, 58);
const LINUX_IP = ipv4(10, 99, 0, 1);
const ARP_REQUEST = "ffffffffffffda9b418e03b608060001080006040001da9b418e03b60a6300010000000000000a63003a";
const SYN = "525400123456da9b418e03b608004500003cfb41400040062a7a0a6300010a63003a88440007c27025c900000000a002faf044850000020405b40402080a8e31f4cf000000000103030a";

class Accept extends StreamAcceptor { accept(stream: Stream): void {} }

function synAck(offload: bool): void {
  const t = new TestNet();
  t.dev.txChecksumOffload = offload;
  t.net.configure(GUEST_IP, 24, 0, []);
  t.dev.inject(hex(ARP_REQUEST));
  t.dev.take();
  t.dev.inject(hex(SYN));
  assert(t.dev.take().length == 0, "no TCP yet: not answered");
  assert(t.net.counters.get(NetCounter.IpUnknownProtocol) == 1, "counted");
  const listener = t.net.tcp.listen(7, new Accept());
  assert(listener !== null, "listening");
  t.dev.inject(hex(SYN));
  const s = t.dev.take();
  assert(s.length == 1, "SYN-ACK sent");
  const f = s[0].bytes;
  assert(f[0] == 0xda && f[5] == 0xb6 && be32(f, 26) == GUEST_IP && be32(f, 30) == LINUX_IP && f[23] == 6, "to the client");
  assert(be16(f, 34) == 7 && be16(f, 36) == 0x8844, "ports");
  assert((f[47] & 0x12) == 0x12, "SYN and ACK");
  assert(be32(f, 42) == 0xc27025ca, "acknowledges the client's ISN + 1");
  if (offload) {
    const len = <i32>be16(f, 16) - 20;
    assert(s[0].csumStart == 34 && s[0].csumOffset == 16, "offload asked for");
    assert(be16(f, 50) == pseudoHeaderSum(GUEST_IP, LINUX_IP, 6, len), "pseudo-header sum left for the NIC");
  } else {
    assert(s[0].csumStart == -1 && transportChecksumOk(f), "checksum complete");
  }
  listener!.close();
}

export function main(args: string[]): void {
  synAck(false);
  synAck(true);
}
