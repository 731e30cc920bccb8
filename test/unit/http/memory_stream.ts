// An in-memory Stream for testing protocols without TCP: the test plays the
// peer (send, peerEnd, peerClose) and reads what the protocol wrote (take).
// The send buffer has an adjustable room, so back-pressure (write accepting
// less, then onDrain) can be tested too. Also a small HTTP response reader
// for the tests' assertions. As an app, it tests itself.
// "crust" brings in the kernel runtime hooks (abort) that every app needs.
import "crust";
import { Stream, CloseReason } from "crust/net/stream";
import { Headers } from "crust/http/headers";

export class MemoryStream extends Stream {
  /** Everything written and not yet taken, one char per byte. */
  private written: string = "";
  /** Bytes write() still accepts (i32.MAX_VALUE: unlimited). */
  room: i32 = i32.MAX_VALUE;
  endCalled: bool = false;
  aborted: bool = false;
  closed: bool = false;
  /** end() closes the stream at once, as when the peer's FIN came first. */
  closeOnEnd: bool = false;

  // ---- Stream ---------------------------------------------------------

  write(data: usize, len: i32): i32 {
    if (this.closed) return 0;
    const n = min(len, this.room);
    if (this.room != i32.MAX_VALUE) this.room -= n;
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(load<u8>(data + <usize>i));
    this.written += s;
    return n;
  }

  writable(): i32 { return this.room; }
  end(): void {
    this.endCalled = true;
    if (this.closeOnEnd) this.peerClose();
  }

  abort(): void {
    this.aborted = true;
    if (this.closed) return;
    this.closed = true;
    const h = this.handler;
    if (h !== null) h.onClose(this, CloseReason.Aborted); // as a transport would
  }

  remote(): string { return "10.0.0.2:40000"; }
  paused: bool = false;
  pause(): void { this.paused = true; }
  resume(): void { this.paused = false; }

  // ---- the peer's side ----------------------------------------------------

  /** Deliver text (ASCII) in one piece. */
  send(text: string): void {
    const b = String.UTF8.encode(text);
    this.handler!.onData(this, changetype<usize>(b), b.byteLength);
  }

  /** Deliver text in pieces of at most `size` bytes. */
  sendPieces(text: string, size: i32): void {
    for (let i = 0; i < text.length; i += size) this.send(text.substring(i, min(text.length, i + size)));
  }

  /** Deliver text in two pieces, split before byte `at`. */
  sendSplit(text: string, at: i32): void {
    this.send(text.substring(0, at));
    this.send(text.substring(at));
  }

  peerEnd(): void { this.handler!.onEnd(this); }

  peerClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.handler!.onClose(this, CloseReason.Done);
  }

  /** The peer read `n` bytes: room for more, and the handler hears of it. */
  grantRoom(n: i32): void {
    this.room += n;
    this.handler!.onDrain(this);
  }

  /** What was written since the last take(). */
  take(): string {
    const s = this.written;
    this.written = "";
    return s;
  }
}

export class ParsedResponse {
  status: i32 = 0;
  headers: Headers = new Headers();
  body: string = "";
  /** The framing was chunked (body is already de-chunked). */
  chunked: bool = false;

  header(name: string): string | null { return this.headers.get(name); }
}

/** Read every response in text. heads[i] says the i-th final response
 *  answers a HEAD (so has no body). A body without length runs to the end.
 *  Interim 1xx responses are returned too. Asserts that framing is intact.
 *  lastMayBeBare: the last response may be a HEAD answer nobody knew of
 *  (nothing after its head). */
export function parseResponses(text: string, heads: bool[] = [], lastMayBeBare: bool = false): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let pos = 0;
  let finalIndex = 0;
  while (pos < text.length) {
    const headEnd = text.indexOf("\r\n\r\n", pos);
    assert(headEnd >= 0, "response head is complete: " + text.substring(pos));
    const lines = text.substring(pos, headEnd).split("\r\n");
    pos = headEnd + 4;
    const r = new ParsedResponse();
    assert(lines[0].startsWith("HTTP/1.1 "), "status line: " + lines[0]);
    r.status = I32.parseInt(lines[0].substring(9, 12));
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(":");
      assert(colon > 0, "header line: " + lines[i]);
      r.headers.add(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim());
    }
    out.push(r);
    if (r.status < 200) continue;
    const isHead = finalIndex < heads.length && heads[finalIndex];
    finalIndex++;
    if (isHead || r.status == 204 || r.status == 304) continue;
    if (lastMayBeBare && pos == text.length) continue;
    const te = r.header("transfer-encoding");
    const cl = r.header("content-length");
    if (te !== null) {
      assert(te == "chunked", "only chunked is sent");
      r.chunked = true;
      while (true) {
        const eol = text.indexOf("\r\n", pos);
        assert(eol > pos, "chunk size line");
        const size = I32.parseInt(text.substring(pos, eol), 16);
        pos = eol + 2;
        if (size == 0) {
          assert(text.substring(pos, pos + 2) == "\r\n", "no trailers, final CRLF");
          pos += 2;
          break;
        }
        r.body += text.substring(pos, pos + size);
        pos += size;
        assert(text.substring(pos, pos + 2) == "\r\n", "CRLF after chunk data");
        pos += 2;
      }
    } else if (cl !== null) {
      const n = I32.parseInt(cl);
      assert(pos + n <= text.length, "whole body present");
      r.body = text.substring(pos, pos + n);
      pos += n;
    } else {
      r.body = text.substring(pos);
      pos = text.length;
    }
  }
  return out;
}

export function main(args: string[]): void {
  const r = parseResponses(
    "HTTP/1.1 100 Continue\r\n\r\n" +
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" +
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\na\r\n0123456789\r\n0\r\n\r\n" +
    "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n" +
    "HTTP/1.1 204 No Content\r\n\r\n" +
    "HTTP/1.1 200 OK\r\n\r\nuntil close", [false, false, true]);
  assert(r.length == 6, "six responses");
  assert(r[0].status == 100, "interim");
  assert(r[1].body == "hello", "content-length body");
  assert(r[2].chunked && r[2].body == "abc0123456789", "chunked body");
  assert(r[3].body == "" && r[3].header("content-length") == "99", "HEAD: no body");
  assert(r[4].status == 204, "204");
  assert(r[5].body == "until close", "close-delimited body");

  // The room limits what write() takes.
  const s = new MemoryStream();
  s.room = 3;
  const b = String.UTF8.encode("abcdef");
  assert(s.write(changetype<usize>(b), 6) == 3, "write takes what fits");
  assert(s.writable() == 0, "full");
  assert(s.take() == "abc", "bytes in order");
  assert(s.take() == "", "take empties");
}
