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

/** One connection. When the send buffer is full, the bytes that did not fit
 *  are kept (at most one delivery's worth) and the stream is paused, so a
 *  peer that sends faster than it reads is slowed down by TCP's window
 *  instead of being buffered without bound. */
class TcpEcho extends StreamHandler {
  private pending: Uint8Array | null = null;
  private ended: bool = false;

  onData(stream: Stream, data: usize, len: i32): void {
    const n = stream.write(data, len);
    if (n < len) {
      const rest = new Uint8Array(len - n);
      memory.copy(rest.dataStart, data + <usize>n, <usize>(len - n));
      this.pending = rest;
      stream.pause();
    }
  }

  onDrain(stream: Stream): void {
    const p = this.pending;
    if (p === null) return;
    const n = stream.write(p.dataStart, p.length);
    if (n < p.length) {
      this.pending = p.subarray(n);
      return;
    }
    this.pending = null;
    if (this.ended) stream.end();
    else stream.resume();
  }

  onEnd(stream: Stream): void {
    if (this.pending === null) stream.end();
    else this.ended = true;
  }
}

class Acceptor extends StreamAcceptor {
  accept(stream: Stream): void { stream.handler = new TcpEcho(); }
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
