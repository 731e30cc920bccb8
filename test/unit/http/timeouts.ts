// The server's timers, on the real event loop: idle keep-alive, slow headers
// (one deadline for the whole section, however the bytes trickle), pauses in
// a body, a peer that does not read, and lingering after the last answer.
// Each scenario runs on its own connection; all share one timeline, and the
// checks are timers too. Timers fire in deadline order however late the host
// runs them (QEMU's TCG is slow), so a "not yet" check is scheduled before
// the event it measures from, a "done" check after it, and a check of a
// later stage from the timer of the stage before.
import "crust";
import { Timer, NS_PER_MS } from "crust";
import { HttpServer } from "crust/http/server";
import { HttpConfig } from "crust/http/config";
import { RequestHandler } from "crust/http/handler";
import { Request } from "crust/http/request";
import { Response } from "crust/http/response";
import { MemoryStream, parseResponses } from "./memory_stream";

class Hello extends RequestHandler {
  handle(req: Request, res: Response): void { res.send("hello " + req.text()); }
}

const IDLE_MS = 100;
const HEADER_MS = 100;
const BODY_MS = 60;
const SEND_MS = 100;
const LINGER_MS = 150;

function config(): HttpConfig {
  const c = new HttpConfig();
  c.idleTimeoutMs = IDLE_MS;
  c.headerTimeoutMs = HEADER_MS;
  c.bodyTimeoutMs = BODY_MS;
  c.sendTimeoutMs = SEND_MS;
  c.lingerMs = LINGER_MS;
  return c;
}

class Fixture {
  stream: MemoryStream = new MemoryStream();
  server: HttpServer = new HttpServer(new Hello(), config());
  constructor(public name: string) {}
  /** The server accepts the stream: the connection's clock starts. */
  open(): Fixture {
    this.server.accept(this.stream);
    return this;
  }
}

/** Runs an action on a fixture at a time from now. */
class At extends Timer {
  constructor(private f: Fixture, private action: (f: Fixture) => void) { super(); }
  fire(now: i64): void {
    const act = this.action;
    act(this.f);
  }
}

function at(ms: i32, f: Fixture, action: (f: Fixture) => void): void {
  new At(f, action).start(<i64>ms * NS_PER_MS);
}

/** Sends text from a timer (the text travels in a field: no closures). */
class SendAt extends Timer {
  constructor(private f: Fixture, private text: string) { super(); }
  fire(now: i64): void { if (!this.f.stream.closed) this.f.stream.send(this.text); }
}

function sendAt(ms: i32, f: Fixture, text: string): void {
  new SendAt(f, text).start(<i64>ms * NS_PER_MS);
}

function expect408(f: Fixture): void {
  const rs = parseResponses(f.stream.take());
  assert(rs.length == 1 && rs[0].status == 408, f.name + ": 408");
  assert(rs[0].header("connection") == "close" && f.stream.endCalled, f.name + ": closed after 408");
}

function silentLingerDone(f: Fixture): void {
  assert(f.stream.aborted, "silent: reset after lingering");
  assert(f.server.stats.connectionsOpen == 0, "silent: released");
}

export function main(args: string[]): void {
  // A new connection that never sends: closed quietly after the idle time.
  const silent = new Fixture("silent");
  at(IDLE_MS / 2, silent, (f: Fixture): void => {
    assert(!f.stream.endCalled, "silent: still open before the idle timeout");
  });
  silent.open();
  at(IDLE_MS + 50, silent, (f: Fixture): void => {
    assert(f.stream.endCalled && f.stream.take() == "", "silent: ended without a word");
    assert(f.server.stats.idleTimeouts == 1 && f.server.stats.timeouts == 1, "silent: counted");
    assert(!f.stream.aborted, "silent: lingering, not reset yet");
    // ... and reset when the peer does not close its side either.
    at(LINGER_MS + 50, f, silentLingerDone);
  });

  // Keep-alive: the idle clock starts over after the response.
  const keep = new Fixture("keep").open();
  at(IDLE_MS / 2, keep, (f: Fixture): void => {
    f.stream.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    at(IDLE_MS - 20, f, (f: Fixture): void => {
      assert(!f.stream.endCalled, "keep: the request restarted the idle clock");
      assert(parseResponses(f.stream.take()).length == 1, "keep: answered");
    });
    at(IDLE_MS + 50, f, (f: Fixture): void => {
      assert(f.stream.endCalled && f.server.stats.idleTimeouts == 1, "keep: closed when idle");
      f.stream.peerClose();
    });
  });

  // Empty lines between requests do not keep a connection alive.
  const blank = new Fixture("blank").open();
  sendAt(30, blank, "\r\n");
  sendAt(60, blank, "\r\n");
  sendAt(90, blank, "\r\n");
  at(IDLE_MS + 50, blank, (f: Fixture): void => {
    assert(f.stream.endCalled && f.server.stats.idleTimeouts == 1, "blank: closed when idle");
    f.stream.peerClose();
  });

  // Slow headers: 408 at the header deadline, even though bytes keep coming.
  const slow = new Fixture("slow").open();
  at(HEADER_MS - 20, slow, (f: Fixture): void => {
    assert(f.stream.take() == "" && !f.stream.endCalled, "slow: not yet");
  });
  slow.stream.send("GET / HTTP/1.1\r\n");
  sendAt(30, slow, "Host: t\r\n");
  sendAt(60, slow, "X-A: 1\r\n");
  sendAt(90, slow, "X-B: 1\r\n");
  sendAt(HEADER_MS + 30, slow, "\r\n");
  at(HEADER_MS + 60, slow, (f: Fixture): void => {
    expect408(f);
    assert(f.server.stats.headerTimeouts == 1 && f.server.stats.requests == 0, "slow: counted, never handled");
    f.stream.peerClose();
  });

  // A body that pauses too long: 408.
  const stalled = new Fixture("stalled").open();
  stalled.stream.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
  at(BODY_MS + 40, stalled, (f: Fixture): void => {
    expect408(f);
    assert(f.server.stats.bodyTimeouts == 1, "stalled: counted");
    f.stream.peerClose();
  });

  // A body that keeps moving may take longer than the body timeout in total.
  const trickle = new Fixture("trickle").open();
  sendAt(40, trickle, "a");
  sendAt(80, trickle, "b");
  sendAt(120, trickle, "c");
  sendAt(160, trickle, "d");
  trickle.stream.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\n");
  at(200, trickle, (f: Fixture): void => {
    const rs = parseResponses(f.stream.take());
    assert(rs.length == 1 && rs[0].status == 200 && rs[0].body == "hello abcd", "trickle: served");
    assert(f.server.stats.bodyTimeouts == 0, "trickle: no timeout");
    f.stream.peerClose();
  });

  // A peer that never reads: reset after the send timeout.
  const deaf = new Fixture("deaf").open();
  deaf.stream.room = 0;
  at(SEND_MS / 2, deaf, (f: Fixture): void => {
    assert(!f.stream.aborted, "deaf: still waiting");
  });
  deaf.stream.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  at(SEND_MS + 50, deaf, (f: Fixture): void => {
    assert(f.stream.aborted && f.server.stats.sendTimeouts == 1, "deaf: reset and counted");
  });

  // After Connection: close the server lingers, then resets a peer that
  // never closes.
  const linger = new Fixture("linger").open();
  at(LINGER_MS - 50, linger, (f: Fixture): void => {
    assert(!f.stream.aborted, "linger: still lingering");
  });
  linger.stream.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  assert(linger.stream.endCalled, "linger: ended at once");
  sendAt(LINGER_MS / 2, linger, "more input is discarded");
  at(LINGER_MS + 50, linger, (f: Fixture): void => {
    assert(f.stream.aborted, "linger: reset");
    const rs = parseResponses(f.stream.take());
    assert(rs.length == 1 && rs[0].status == 200, "linger: only the one answer");
  });
}
