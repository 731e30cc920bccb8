// One HTTP/1.1 connection over a Stream: feeds the parser, hands complete
// requests to the handler one at a time, writes responses in order, and
// decides when the connection ends (RFC 9112 §9).
//
// At any moment the connection waits for at most one thing, and one Timer
// bounds that wait:
//   Idle     no request in progress          idleTimeoutMs, then close quietly
//   Headers  a request has begun             headerTimeoutMs, then 408 + close
//   Body     the body is arriving            bodyTimeoutMs per pause, then 408
//   Send     output waits for the peer       sendTimeoutMs per stall, then reset
//   Linger   half-closed, discarding input   lingerMs, then reset
// While the handler works on a response nothing is timed: that is the app's
// business.
//
// Pipelining (RFC 9112 §9.3.2): input that arrives while a response is being
// produced or sent is kept, up to maxPendingBytes, and parsed once the
// response has been handed to the transport. So a connection holds at most
// one request, one response's unsent output (maxQueuedBytes plus one write)
// and maxPendingBytes of input.
import { Stream, StreamHandler, CloseReason } from "../net/stream";
import { Timer } from "../core/timer";
import * as log from "../core/log";
import { ByteBuffer } from "./bytes";
import { HttpConfig, msToNs } from "./config";
import { BodyBudget } from "./budget";
import { HttpStats } from "./stats";
import { RequestParser } from "./parser";
import { Request } from "./request";
import { Response, ResponseSink } from "./response";
import { RequestHandler } from "./handler";
import { Status, reasonPhrase } from "./status";

enum Wait { Nothing, Idle, Headers, Body, Send, Linger }

/** RFC 9110 §15.2.1: the interim answer to Expect: 100-continue. */
const CONTINUE_BYTES = Uint8Array.wrap(String.UTF8.encode("HTTP/1.1 100 Continue\r\n\r\n"));

class WaitTimer extends Timer {
  constructor(private conn: HttpConnection) { super(); }
  fire(now: i64): void { this.conn.timedOut(); }
}

/** The connection as the responses see it. */
class ConnectionSink extends ResponseSink {
  constructor(private conn: HttpConnection) { super(); }
  output(bytes: Uint8Array): void { this.conn.output(bytes); }
  isBlocked(): bool { return this.conn.outputBlocked(); }
  admit(): bool { return this.conn.admitOutput(); }
  finished(res: Response): void { this.conn.responseFinished(res); }
}

export class HttpConnection extends StreamHandler {
  private parser: RequestParser;
  private pending: ByteBuffer;
  // Both point back at this connection, so they are made last in the
  // constructor (the `!` tells the compiler they are set there).
  private sink!: ConnectionSink;
  private timer!: WaitTimer;
  private waiting: Wait = Wait.Nothing;
  private remoteAddress: string;
  /** The response the handler is producing, if any. */
  private current: Response | null = null;
  /** Output the transport has not accepted yet, oldest first. */
  private queue: Uint8Array[] = [];
  private queuedBytes: i32 = 0;
  /** Inside consume(): responses finishing now are picked up by its loop. */
  private processing: bool = false;
  private continueSent: bool = false;
  /** No further requests: end the stream once the output is out. */
  private closing: bool = false;
  private ended: bool = false;
  private closed: bool = false;
  private peerEnded: bool = false;

  constructor(private stream: Stream, private handler: RequestHandler, private config: HttpConfig, private stats: HttpStats,
              bodyBudget: BodyBudget) {
    super();
    this.parser = new RequestParser(config, bodyBudget);
    this.pending = new ByteBuffer(config.maxPendingBytes);
    this.remoteAddress = stream.remote();
    this.sink = new ConnectionSink(this);
    this.timer = new WaitTimer(this);
  }

  /** Called once the stream's handler is set: the first request's clock. */
  start(): void {
    this.wait(Wait.Idle);
  }

  // ---- StreamHandler ------------------------------------------------------

  onData(stream: Stream, data: usize, len: i32): void {
    if (this.closed || this.closing) return; // after the last answer, input is discarded
    if (this.busy() || this.pending.length > 0) {
      this.stash(data, len); // parsed once the current response is out
      this.settle();
      return;
    }
    this.consume(data, len);
  }

  onEnd(stream: Stream): void {
    this.peerEnded = true;
    this.settle();
  }

  onDrain(stream: Stream): void {
    if (this.closed) return;
    this.flush();
    const res = this.current;
    if (res !== null && this.queue.length == 0) res.drained();
    this.settle();
  }

  onClose(stream: Stream, reason: CloseReason): void {
    this.release();
  }

  // ---- for ConnectionSink and WaitTimer -----------------------------------

  output(bytes: Uint8Array): void {
    if (this.closed) return;
    if (this.queue.length == 0) {
      const n = this.stream.write(bytes.dataStart, bytes.length);
      if (n >= bytes.length) return;
      bytes = bytes.subarray(max(n, 0));
    }
    this.queue.push(bytes);
    this.queuedBytes += bytes.length;
    if (this.waiting != Wait.Send) this.wait(Wait.Send);
  }

  outputBlocked(): bool { return this.queue.length > 0; }

  admitOutput(): bool {
    if (this.closed) return false;
    if (this.queuedBytes <= this.config.maxQueuedBytes) return true;
    this.stats.outputOverflows++;
    log.debug("http", this.remoteAddress + ": handler wrote past a full transport; reset");
    this.abort();
    return false;
  }

  responseFinished(res: Response): void {
    if (res !== this.current) return; // a server-made error answer
    this.current = null;
    if (!res.keepAlive) this.closing = true;
    // Inside consume() the loop carries on by itself.
    if (!this.processing) this.settle();
  }

  timedOut(): void {
    const w = this.waiting;
    this.waiting = Wait.Nothing;
    if (this.closed) return;
    if (w == Wait.Idle) {
      this.stats.idleTimeouts++;
      this.closing = true;
      this.settle();
    } else if (w == Wait.Headers || w == Wait.Body) {
      // RFC 9110 §15.5.9: 408 says the server closes instead of waiting on.
      if (w == Wait.Headers) this.stats.headerTimeouts++; else this.stats.bodyTimeouts++;
      log.debug("http", this.remoteAddress + ": request timeout");
      this.closing = true;
      this.answerError(Status.RequestTimeout);
      this.settle();
    } else if (w == Wait.Send) {
      this.stats.sendTimeouts++;
      log.debug("http", this.remoteAddress + ": peer does not read; reset");
      this.abort();
    } else if (w == Wait.Linger) {
      this.abort();
    }
  }

  // ---- the request side ---------------------------------------------------

  /** Parse input and dispatch requests until it is used up or a response
   *  is in progress; what is left waits in `pending`. */
  private consume(data: usize, len: i32): void {
    const parser = this.parser;
    this.processing = true;
    let off = 0;
    while (off < len && !this.closing && !this.closed && !this.busy()) {
      const n = parser.feed(data + <usize>off, len - off);
      off += n;
      if (parser.failed) {
        this.stats.countBadRequest(parser.errorStatus);
        log.debug("http", this.remoteAddress + ": " + parser.errorStatus.toString() + " " + parser.errorReason);
        this.closing = true; // the framing is lost: nothing after this can be trusted
        this.answerError(parser.errorStatus);
        break;
      }
      if (parser.complete) {
        this.dispatch(parser.take());
      } else if (parser.inBody) {
        if (parser.expectContinue && !this.continueSent) {
          this.continueSent = true;
          this.output(CONTINUE_BYTES);
        }
        if (n > 0 || this.waiting != Wait.Body) this.wait(Wait.Body);
      } else if (parser.started && this.waiting != Wait.Headers) {
        this.wait(Wait.Headers); // one deadline for the whole header section
      }
    }
    if (off < len && !this.closing && !this.closed) this.stash(data + <usize>off, len - off);
    this.processing = false;
    this.settle();
  }

  private dispatch(req: Request): void {
    this.wait(Wait.Nothing);
    this.stats.requests++;
    this.continueSent = false;
    req.remote = this.remoteAddress;
    const res = new Response(this.sink, req.method == "HEAD", req.versionMinor, req.keepAlive);
    this.current = res;
    this.handler.handle(req, res);
  }

  private stash(data: usize, len: i32): void {
    if (this.pending.append(data, len) < len) {
      this.stats.pendingOverflows++;
      log.debug("http", this.remoteAddress + ": too much pipelined input; reset");
      this.abort();
    }
  }

  /** An answer the server makes itself (bad request, timeout): always the
   *  last on the connection. */
  private answerError(status: i32): void {
    // A HEAD request gets no body even here (RFC 9110 §9.3.2), or the
    // client would take it for the start of another response.
    const res = new Response(this.sink, this.parser.method == "HEAD", 1, false);
    res.status = status;
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.send(status.toString() + " " + reasonPhrase(status) + "\n");
  }

  /** Decide what to wait for next, after any event. */
  private settle(): void {
    if (this.closed || this.processing) return;
    if (this.queue.length > 0) {
      if (this.waiting != Wait.Send) this.wait(Wait.Send);
      return;
    }
    if (this.closing) {
      if (!this.ended) {
        this.ended = true;
        this.stream.end(); // may close the stream at once (the peer's FIN came first)
        this.wait(Wait.Linger);
      }
      return;
    }
    if (this.current !== null) {
      this.wait(Wait.Nothing);
      return;
    }
    if (this.pending.length > 0) {
      const input = this.pending.toBytes();
      this.pending.clear();
      this.consume(input.dataStart, input.length); // settles again at its end
      return;
    }
    if (this.peerEnded) {
      // Nothing more will arrive; a partial request can never complete.
      this.closing = true;
      this.settle();
      return;
    }
    if (!this.parser.started && this.waiting != Wait.Idle) this.wait(Wait.Idle);
  }

  // ---- the output side ----------------------------------------------------

  private busy(): bool { return this.current !== null || this.queue.length > 0; }

  private flush(): void {
    const q = this.queue;
    while (q.length > 0) {
      const b = q[0];
      const n = this.stream.write(b.dataStart, b.length);
      if (n < b.length) {
        if (n > 0) {
          q[0] = b.subarray(n);
          this.queuedBytes -= n;
          this.wait(Wait.Send); // progress: the stall clock starts over
        }
        return;
      }
      q.shift();
      this.queuedBytes -= b.length;
    }
  }

  private wait(w: Wait): void {
    if (this.closed) w = Wait.Nothing; // a closed connection waits for nothing
    this.waiting = w;
    const c = this.config;
    let ms = 0;
    if (w == Wait.Idle) ms = c.idleTimeoutMs;
    else if (w == Wait.Headers) ms = c.headerTimeoutMs;
    else if (w == Wait.Body) ms = c.bodyTimeoutMs;
    else if (w == Wait.Send) ms = c.sendTimeoutMs;
    else if (w == Wait.Linger) ms = c.lingerMs;
    if (w == Wait.Nothing) this.timer.cancel();
    else this.timer.start(msToNs(ms));
  }

  // ---- the end ------------------------------------------------------------

  private abort(): void {
    if (this.closed) return;
    this.release();
    this.stream.abort();
  }

  /** Drop everything the connection holds; no more calls are acted on. */
  private release(): void {
    if (this.closed) return;
    this.closed = true;
    this.stats.connectionsOpen--;
    this.waiting = Wait.Nothing;
    this.timer.cancel();
    this.queue = [];
    this.queuedBytes = 0;
    this.pending.clear();
    this.parser.reset();
    const res = this.current;
    this.current = null;
    if (res !== null) res.abort();
  }
}
