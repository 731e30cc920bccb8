// The stack on the kernel's own clock and event loop: two Tcp instances with
// the default KernelNetClock exchange a request and a reply over a link that
// delivers packets from an EventSource, then close. The test passes when the
// event loop ends by itself — which it only does once the listener is closed
// and every connection (TIME-WAIT included, 2 * 20 ms here) is gone, so it
// checks that timers fire in real time and ref()/unref() balance.
import { Timer, exit, log, NS_PER_MS } from "crust";
import { EventSource, addSource } from "crust/core/loop";
import { IpLayer, TransportProtocol } from "crust/net/ip";
import { Stream, StreamHandler, StreamAcceptor, CloseReason } from "crust/net/stream";
import { Tcp, TcpConfig, TcpListener } from "crust/net/tcp/tcp";
import { TcpPacket } from "crust/net/wire/tcp";

class Wire extends IpLayer {
  handler: TransportProtocol | null = null;
  peer: Wire | null = null;
  inbox: ArrayBuffer[] = [];
  constructor(public addr: u32) { super(); }
  localAddress(): u32 { return this.addr; }
  maxSegment(): i32 { return 1480; }
  register(protocol: u8, handler: TransportProtocol): void { this.handler = handler; }
  send(dst: u32, protocol: u8, segment: usize, len: i32, checksumOffset: i32): bool {
    const copy = new ArrayBuffer(len);
    memory.copy(changetype<usize>(copy), segment, <usize>len);
    new TcpPacket(changetype<usize>(copy), len).fillChecksum(this.addr, dst);
    this.peer!.inbox.push(copy);
    return true;
  }
}

/** Delivers what each side sent on the next turn of the loop. */
class Delivery extends EventSource {
  constructor(public a: Wire, public b: Wire) { super(); }
  poll(now: i64): bool {
    return this.flush(this.a) | this.flush(this.b);
  }
  private flush(w: Wire): bool {
    if (w.inbox.length == 0) return false;
    const batch = w.inbox;
    w.inbox = [];
    for (let i = 0; i < batch.length; i++) {
      w.handler!.input(w.peer!.addr, w.addr, changetype<usize>(batch[i]), batch[i].byteLength, false);
    }
    return true;
  }
}

let listener: TcpListener | null = null;
let done = false;
let clientTcp: Tcp | null = null;

/** Server: answers "ping" with "pong", closes when the client does. */
class Server extends StreamHandler {
  onData(s: Stream, d: usize, len: i32): void {
    if (String.UTF8.decodeUnsafe(d, <usize>len) == "ping") s.writeString("pong");
  }
  onEnd(s: Stream): void {
    s.end();
    listener!.close(); // one client is all this test serves
  }
}
class Accept extends StreamAcceptor {
  accept(s: Stream): void { s.handler = new Server(); }
}

class Client extends StreamHandler {
  reply: string = "";
  onData(s: Stream, d: usize, len: i32): void {
    this.reply += String.UTF8.decodeUnsafe(d, <usize>len);
    if (this.reply == "pong") s.end();
  }
  onClose(s: Stream, reason: CloseReason): void {
    assert(reason == CloseReason.Done, "client closed cleanly");
    assert(this.reply == "pong", "reply received");
    done = true;
    guard.cancel();
    log.info("tcp-loop", "exchange done; the loop ends once TIME-WAIT is over (" + clientTcp!.counters.retransmits.toString() + " retransmits)");
  }
}

/** Fails the test if the exchange has not finished in 5 s. */
class Guard extends Timer {
  fire(now: i64): void {
    log.error("tcp-loop", "no reply within 5 s");
    exit(1);
  }
}
const guard = new Guard();

export function main(args: string[]): void {
  const a = new Wire(0x0a000001);
  const b = new Wire(0x0a000002);
  a.peer = b;
  b.peer = a;
  addSource(new Delivery(a, b));
  const cfg = new TcpConfig();
  cfg.msl = 20 * NS_PER_MS;
  const server = new Tcp(a, cfg);
  const client = new Tcp(b, cfg);
  clientTcp = client;
  log.info("tcp-loop", "start");
  listener = server.listen(7, new Accept());
  const c = client.connect(0x0a000001, 7, new Client())!;
  c.setNoDelay(true);
  c.writeString("ping");
  guard.start(5000 * NS_PER_MS);
}
