// The response a handler fills in. Either all at once (send / sendBytes, with
// Content-Length) or streamed (write / writeBytes, then end): a streamed body
// uses the Content-Length the app set, else chunked transfer coding (RFC 9112
// §7.1), else — for an HTTP/1.0 client, which cannot read chunked — ends
// with the connection (RFC 9112 §6.3 item 8).
//
// The response adds what the protocol requires: the status line, Date (RFC
// 9110 §6.6.1), the framing header and Connection (RFC 9112 §9.6). A HEAD
// response gets the headers a GET would get and no content (RFC 9110 §9.3.2);
// 1xx, 204 and 304 never carry content (§6.4.1).
//
// Body bytes are kept by reference until the transport has taken them: do
// not change a Uint8Array after passing it in.
import { httpDate } from "./date";
import { Headers, isSafeFieldValue } from "./headers";
import { isTokenChar, equalsIgnoreCase } from "./bytes";
import { reasonPhrase, statusHasNoContent } from "./status";
import * as log from "../core/log";

/** Bodies up to this size go out in the same write as the head (one TCP
 *  segment instead of two for small answers). */
const COALESCE_BYTES: i32 = 16384;

/** Where a response's bytes go; the connection implements it. */
export abstract class ResponseSink {
  /** Queue bytes for the peer, in order, kept by reference. */
  abstract output(bytes: Uint8Array): void;
  /** Earlier output is still waiting for room in the transport. */
  abstract isBlocked(): bool;
  /** May more streamed output be queued? False when too much already waits:
   *  the sink has then reset the connection (and aborted the response). */
  abstract admit(): bool;
  /** The response's last byte has been queued. */
  abstract finished(res: Response): void;
}

/** Optional callbacks for a handler that streams. */
export abstract class ResponseListener {
  /** Everything written so far was taken by the transport: write more. */
  onDrain(res: Response): void {}
  /** The connection closed before end(); stop producing (writes are ignored). */
  onAbort(res: Response): void {}
}

enum Framing { Undecided, Length, Chunked, UntilClose }

export class Response {
  status: i32 = 200;
  headers: Headers = new Headers();
  listener: ResponseListener | null = null;
  /** The connection stays open after this response. Starts as the request
   *  allows; false once the app sets "Connection: close" or when the body
   *  can only be delimited by closing. */
  keepAlive: bool;
  headersSent: bool = false;
  finished: bool = false;
  /** The connection went away before the response finished. */
  aborted: bool = false;

  private framing: Framing = Framing.Undecided;
  /** With Framing.Length: content bytes still expected. */
  private remaining: i64 = 0;

  /** Made by the connection for each request. */
  constructor(private sink: ResponseSink, readonly isHead: bool, readonly versionMinor: i32, keepAlive: bool) {
    this.keepAlive = keepAlive;
  }

  /** Set a header, replacing any of that name. An invalid name, or a value
   *  with CR, LF or NUL (which would split the response), is dropped. */
  setHeader(name: string, value: string): Response {
    if (this.checkHeader(name, value)) this.headers.set(name, value);
    return this;
  }

  /** Add a header line, keeping others of that name (e.g. Set-Cookie). */
  addHeader(name: string, value: string): Response {
    if (this.checkHeader(name, value)) this.headers.add(name, value);
    return this;
  }

  /** Send the whole response with a text body (UTF-8), and finish it. */
  send(body: string): void {
    this.sendBytes(Uint8Array.wrap(String.UTF8.encode(body)));
  }

  /** Send the whole response with a byte body, and finish it. */
  sendBytes(body: Uint8Array): void {
    if (!this.usable("send")) return;
    if (this.headersSent) { this.misuse("send after write"); return; }
    this.framing = Framing.Length;
    const bare = this.isHead || statusHasNoContent(this.status);
    const head = this.head(statusHasNoContent(this.status) ? -1 : <i64>body.length);
    if (bare || body.length == 0) this.out(head);
    else if (body.length <= COALESCE_BYTES) this.out(concat(head, body));
    else { this.out(head); this.out(body); }
    this.finish();
  }

  /** Stream part of the body (UTF-8). Returns false when the transport is
   *  full: the bytes are queued, and onDrain tells when to write more. */
  write(chunk: string): bool {
    return this.writeBytes(Uint8Array.wrap(String.UTF8.encode(chunk)));
  }

  writeBytes(chunk: Uint8Array): bool {
    if (!this.usable("write") || !this.sink.admit()) return false;
    if (!this.headersSent) this.startStream();
    let n = chunk.length;
    if (n == 0 || this.isHead || statusHasNoContent(this.status)) return !this.sink.isBlocked();
    if (this.framing == Framing.Chunked) {
      // RFC 9112 §7.1: chunk = chunk-size CRLF chunk-data CRLF
      const size = Uint8Array.wrap(String.UTF8.encode(n.toString(16) + "\r\n"));
      if (n <= COALESCE_BYTES) this.out(concat(concat(size, chunk), CRLF_BYTES));
      else { this.out(size); this.out(chunk); this.out(CRLF_BYTES); }
    } else {
      if (this.framing == Framing.Length) {
        // More than the declared Content-Length would corrupt the next
        // response on this connection: cut it and close afterwards.
        if (<i64>n > this.remaining) {
          this.misuse("body longer than its Content-Length");
          n = <i32>this.remaining;
          chunk = chunk.subarray(0, n);
          this.keepAlive = false;
        }
        this.remaining -= n;
      }
      if (n > 0) this.out(chunk);
    }
    return !this.sink.isBlocked();
  }

  /** Finish the response (a response with nothing written gets an empty
   *  body with Content-Length: 0). */
  end(): void {
    if (!this.usable("end")) return;
    if (!this.headersSent) { this.sendBytes(new Uint8Array(0)); return; }
    const bare = this.isHead || statusHasNoContent(this.status);
    if (this.framing == Framing.Chunked && !bare) {
      this.out(LAST_CHUNK_BYTES); // last-chunk, no trailers, final CRLF (§7.1)
    } else if (this.framing == Framing.Length && this.remaining > 0 && !bare) {
      // Shorter than declared: the peer would wait for the rest. Closing is
      // the only way to tell it the response is over.
      this.misuse("body shorter than its Content-Length");
      this.keepAlive = false;
    }
    this.finish();
  }

  /** The connection is writable again (called by the connection). */
  drained(): void {
    const l = this.listener;
    if (l !== null && !this.finished && !this.aborted) l.onDrain(this);
  }

  /** The connection is gone (called by the connection). */
  abort(): void {
    if (this.finished || this.aborted) return;
    this.aborted = true;
    const l = this.listener;
    if (l !== null) l.onAbort(this);
  }

  /** Choose the framing of a streamed body and send the head. */
  private startStream(): void {
    const declared = this.headers.get("content-length");
    let length: i64 = -1;
    if (declared !== null) length = parseLength(declared);
    if (statusHasNoContent(this.status)) {
      this.framing = Framing.Length;
      length = -1;
    } else if (length >= 0) {
      this.framing = Framing.Length;
      this.remaining = this.isHead ? 0 : length;
    } else if (this.versionMinor >= 1) {
      this.framing = Framing.Chunked;
    } else {
      this.framing = Framing.UntilClose;
      this.keepAlive = false;
    }
    this.out(this.head(length));
  }

  /** The status line and header section. contentLength < 0: no
   *  Content-Length (chunked, until-close, or no content). */
  private head(contentLength: i64): Uint8Array {
    let status = this.status;
    if (status < 100 || status > 999) { this.misuse("status " + status.toString()); status = 500; }
    const h = this.headers;
    if (h.hasToken("connection", "close")) this.keepAlive = false;
    // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
    // The version is the server's own, 1.1, also for HTTP/1.0 clients (§2.3).
    let s = "HTTP/1.1 " + status.toString() + " " + reasonPhrase(status) + "\r\n";
    if (!h.has("date")) s += "Date: " + httpDate() + "\r\n";
    for (let i = 0; i < h.size; i++) {
      const name = h.name(i);
      // Framing and connection management belong to the server.
      if (isFramingHeader(name)) continue;
      s += name + ": " + h.value(i) + "\r\n";
    }
    if (contentLength >= 0 && status != 204) s += "Content-Length: " + contentLength.toString() + "\r\n";
    else if (this.framing == Framing.Chunked) s += "Transfer-Encoding: chunked\r\n";
    // RFC 9112 §9.6: "close" when this is the last response; an HTTP/1.0
    // client only keeps the connection when told "keep-alive" (§9.3).
    if (!this.keepAlive) s += "Connection: close\r\n";
    else if (this.versionMinor == 0) s += "Connection: keep-alive\r\n";
    s += "\r\n";
    this.headersSent = true;
    return Uint8Array.wrap(String.UTF8.encode(s));
  }

  private out(bytes: Uint8Array): void {
    if (!this.aborted) this.sink.output(bytes);
  }

  private finish(): void {
    this.finished = true;
    if (!this.aborted) this.sink.finished(this);
  }

  private usable(what: string): bool {
    if (this.aborted) return false;
    if (this.finished) { this.misuse(what + " after the response finished"); return false; }
    return true;
  }

  private checkHeader(name: string, value: string): bool {
    let ok = name.length > 0 && isSafeFieldValue(value);
    for (let i = 0; ok && i < name.length; i++) ok = isTokenChar(name.charCodeAt(i));
    if (!ok) this.misuse("invalid header " + name);
    return ok;
  }

  private misuse(what: string): void {
    log.warn("http", "response: " + what);
  }
}

const CRLF_BYTES = Uint8Array.wrap(String.UTF8.encode("\r\n"));
const LAST_CHUNK_BYTES = Uint8Array.wrap(String.UTF8.encode("0\r\n\r\n"));

function isFramingHeader(name: string): bool {
  return equalsIgnoreCase(name, "content-length") || equalsIgnoreCase(name, "transfer-encoding") ||
    equalsIgnoreCase(name, "connection");
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** A Content-Length the app set, or -1 if it is not 1*DIGIT. */
function parseLength(s: string): i64 {
  if (s.length == 0 || s.length > 15) return -1;
  let v: i64 = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}
