// bulk: the Crust side of the TCP throughput benchmark (bench/bulk.ts).
//   port 9   discard (RFC 863): reads everything, answers nothing, closes
//            when the peer does — throughput *to* the unikernel;
//   port 19  source (like chargen, RFC 864, but a fixed SOURCE_BYTES and
//            then FIN) — throughput *from* the unikernel.
// The Linux peer (bench/peer) serves the same two ports from Node.js.
import { println, exit } from "crust";
import { startNetwork } from "crust/net/stack";
import { Stream, StreamAcceptor, StreamHandler } from "crust/net/stream";

const DISCARD_PORT: u16 = 9;
const SOURCE_PORT: u16 = 19;
const SOURCE_BYTES: i64 = 32 << 20; // bench/bulk.ts expects exactly this many
const CHUNK: i32 = 16 << 10;

const pattern = new Uint8Array(CHUNK);

class Discard extends StreamHandler {
  onData(stream: Stream, data: usize, len: i32): void {}
  onEnd(stream: Stream): void { stream.end(); }
}

class Source extends StreamHandler {
  private sent: i64 = 0;

  /** Write until the send buffer is full (onDrain resumes) or all is sent. */
  fill(stream: Stream): void {
    while (this.sent < SOURCE_BYTES) {
      const want = <i32>min<i64>(<i64>CHUNK, SOURCE_BYTES - this.sent);
      const n = stream.write(pattern.dataStart, want);
      this.sent += n;
      if (n < want) return;
    }
    stream.end();
  }

  onData(stream: Stream, data: usize, len: i32): void {}
  onDrain(stream: Stream): void { this.fill(stream); }
}

class DiscardAcceptor extends StreamAcceptor {
  accept(stream: Stream): void { stream.handler = new Discard(); }
}

class SourceAcceptor extends StreamAcceptor {
  accept(stream: Stream): void {
    const s = new Source();
    stream.handler = s;
    s.fill(stream);
  }
}

export function main(args: string[]): void {
  for (let i = 0; i < CHUNK; i++) pattern[i] = <u8>(0x20 + i % 95);
  const net = startNetwork();
  if (net === null) exit(1);
  if (net!.tcp.listen(DISCARD_PORT, new DiscardAcceptor()) === null ||
      net!.tcp.listen(SOURCE_PORT, new SourceAcceptor()) === null) exit(1);
  println("bulk: listening on TCP ports 9 (discard) and 19 (source)");
}
