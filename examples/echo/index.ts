// echo: the RFC 862 echo service on port 7, over UDP (each datagram is sent
// back to its sender) and TCP (each connection gets back what it sends).
//   npx crust run examples/echo --target node --tap crusttap0 -k ip=10.77.0.2/24
//   ping 10.77.0.2; echo hi | nc -u -w1 10.77.0.2 7; echo hi | nc -N 10.77.0.2 7
// Without -k ip=... the address comes from DHCP.
import { println, exit } from "crust";
import { startNetwork } from "crust/net/stack";
import { UdpHandler, UdpSocket } from "crust/net/udp";
import { Stream, StreamAcceptor, StreamHandler } from "crust/net/stream";

const ECHO_PORT: u16 = 7; // RFC 862

class UdpEcho extends UdpHandler {
  socket: UdpSocket | null = null;
  onDatagram(srcIp: u32, srcPort: u16, data: usize, len: i32): void {
    this.socket!.sendTo(srcIp, srcPort, data, len);
  }
}

class TcpEcho extends StreamHandler {
  onData(stream: Stream, data: usize, len: i32): void {
    // A peer that sends faster than it reads fills the send buffer; rather
    // than buffer without bound or lose bytes silently, reset it.
    if (stream.write(data, len) < len) stream.abort();
  }
  onEnd(stream: Stream): void { stream.end(); }
}

class Acceptor extends StreamAcceptor {
  handler: TcpEcho = new TcpEcho();
  accept(stream: Stream): void { stream.handler = this.handler; }
}

export function main(args: string[]): void {
  const net = startNetwork();
  if (net === null) exit(1); // startNetwork said why
  const udp = new UdpEcho();
  udp.socket = net!.udp.bind(ECHO_PORT, udp);
  if (udp.socket === null || net!.tcp.listen(ECHO_PORT, new Acceptor()) === null) {
    println("echo: port 7 is taken");
    exit(1);
  }
  println("echo: listening on UDP and TCP port 7");
}
