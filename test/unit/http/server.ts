// The HTTP server end to end over an in-memory stream: what a client sends,
// in one piece or split anywhere, and exactly what it gets back.
import "crust";
import { HttpServer } from "crust/http/server";
import { HttpConfig } from "crust/http/config";
import { RequestHandler } from "crust/http/handler";
import { Request } from "crust/http/request";
import { Response, ResponseListener } from "crust/http/response";
import { Router } from "crust/http/router";
import { MemoryStream, ParsedResponse, parseResponses } from "./memory_stream";

// ---- handlers -------------------------------------------------------------

class Hello extends RequestHandler {
  handle(req: Request, res: Response): void {
    res.setHeader("Content-Type", "text/plain");
    res.send("hello");
  }
}

/** Answers with what it received, so tests see the parsed request. */
class Echo extends RequestHandler {
  handle(req: Request, res: Response): void {
    res.setHeader("X-Method", req.method);
    res.setHeader("X-Path", req.path);
    res.setHeader("X-Query", req.query);
    const trailer = req.trailers.get("x-sum");
    if (trailer !== null) res.setHeader("X-Trailer", trailer);
    res.send(req.text());
  }
}

/** A streamed body without a length: chunked for HTTP/1.1. */
class Stream3 extends RequestHandler {
  handle(req: Request, res: Response): void {
    res.write("a");
    res.write("");
    res.write("bb");
    res.writeBytes(Uint8Array.wrap(String.UTF8.encode("ccc")));
    res.end();
  }
}

/** A streamed body with a declared length. */
class Sized extends RequestHandler {
  handle(req: Request, res: Response): void {
    res.setHeader("Content-Length", "6");
    res.write("abc");
    res.write("def");
    res.end();
  }
}

/** Declares more than it sends: the connection must close. */
class Short extends RequestHandler {
  handle(req: Request, res: Response): void {
    res.setHeader("Content-Length", "10");
    res.write("abc");
    res.end();
  }
}

class NoContent extends RequestHandler {
  handle(req: Request, res: Response): void {
    res.status = 204;
    res.end();
  }
}

class Closer extends RequestHandler {
  handle(req: Request, res: Response): void {
    res.setHeader("Connection", "close");
    res.send("bye");
  }
}

class Injector extends RequestHandler {
  handle(req: Request, res: Response): void {
    res.setHeader("X-Evil", "a\r\nSet-Cookie: stolen=1");
    res.setHeader("Bad Name", "x");
    res.setHeader("X-Fine", "ok");
    res.send("safe");
  }
}

class Big extends RequestHandler {
  handle(req: Request, res: Response): void {
    res.send("x".repeat(50000));
  }
}

/** Keeps the response for the test to finish later (an asynchronous handler). */
let parked: Response[] = [];
class Park extends RequestHandler {
  handle(req: Request, res: Response): void {
    parked.push(res);
  }
}

class Watcher extends ResponseListener {
  drains: i32 = 0;
  aborts: i32 = 0;
  onDrain(res: Response): void { this.drains++; }
  onAbort(res: Response): void { this.aborts++; }
}

function router(): Router {
  return new Router()
    .get("/", new Hello())
    .post("/echo", new Echo())
    .put("/echo", new Echo())
    .get("/echo", new Echo())
    .get("/stream", new Stream3())
    .get("/sized", new Sized())
    .get("/short", new Short())
    .get("/nocontent", new NoContent())
    .get("/close", new Closer())
    .get("/inject", new Injector())
    .get("/big", new Big())
    .get("/park", new Park());
}

/** Short timeouts, so that connections a test leaves open end quickly. */
function quickConfig(): HttpConfig {
  const c = new HttpConfig();
  c.idleTimeoutMs = 50;
  c.headerTimeoutMs = 50;
  c.bodyTimeoutMs = 50;
  c.sendTimeoutMs = 50;
  c.lingerMs = 10;
  return c;
}

class Fixture {
  stream: MemoryStream = new MemoryStream();
  server: HttpServer;

  constructor(config: HttpConfig = quickConfig()) {
    this.server = new HttpServer(router(), config);
    this.server.accept(this.stream);
  }

  responses(heads: bool[] = []): ParsedResponse[] {
    return parseResponses(this.stream.take(), heads);
  }

  /** The only response, checked for status. */
  only(status: i32, what: string): ParsedResponse {
    const rs = this.responses();
    assert(rs.length == 1, what + ": one response, got " + rs.length.toString());
    assert(rs[0].status == status, what + ": status " + status.toString() + ", got " + rs[0].status.toString());
    return rs[0];
  }

  finish(): void { this.stream.peerClose(); }
}

const GET_ROOT = "GET / HTTP/1.1\r\nHost: test\r\n\r\n";

// ---- tests ------------------------------------------------------------------

function testSimpleGet(): void {
  const f = new Fixture();
  f.stream.send(GET_ROOT);
  const r = f.only(200, "GET /");
  assert(r.body == "hello", "body");
  assert(r.header("content-length") == "5", "Content-Length");
  assert(r.header("content-type") == "text/plain", "app header");
  const date = r.header("date");
  assert(date !== null && date.length == 29 && date.endsWith(" GMT"), "Date in IMF-fixdate");
  assert(r.header("connection") === null, "HTTP/1.1 keep-alive needs no Connection header");
  assert(!f.stream.endCalled, "connection stays open");
  // A second request on the same connection.
  f.stream.send(GET_ROOT);
  assert(f.only(200, "second").body == "hello", "keep-alive: second request answered");
  assert(f.server.stats.requests == 2 && f.server.stats.connectionsOpen == 1, "counters");
  f.finish();
  assert(f.server.stats.connectionsOpen == 0, "closed");
}

function checkEchoPair(rs: ParsedResponse[], what: string): void {
  assert(rs.length == 2, what + ": two responses");
  assert(rs[0].status == 200 && rs[0].body == "hello world" && rs[0].header("x-method") == "POST", what + ": echo");
  assert(rs[0].header("x-query") == "a=1", what + ": query");
  assert(rs[1].status == 200 && rs[1].body == "hello", what + ": pipelined GET");
}

function testEveryBoundary(): void {
  const text = "POST /echo?a=1 HTTP/1.1\r\nHost: test\r\nContent-Length: 11\r\n\r\nhello world" + GET_ROOT;
  for (let at = 0; at <= text.length; at++) {
    const f = new Fixture();
    f.stream.sendSplit(text, at);
    checkEchoPair(f.responses(), "split at " + at.toString());
    f.finish();
  }
  const f = new Fixture();
  f.stream.sendPieces(text, 1);
  checkEchoPair(f.responses(), "byte by byte");
  f.finish();
  const g = new Fixture();
  g.stream.sendPieces(text, 7);
  checkEchoPair(g.responses(), "7-byte pieces");
  g.finish();
}

function testChunkedEveryBoundary(): void {
  const text = "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n" +
    "6;ext=1\r\nhello \r\n5\r\nworld\r\n0\r\nX-Sum: 42\r\n\r\n" + GET_ROOT;
  for (let at = 0; at <= text.length; at++) {
    const f = new Fixture();
    f.stream.sendSplit(text, at);
    const rs = f.responses();
    assert(rs.length == 2 && rs[0].body == "hello world" && rs[0].header("x-trailer") == "42", "chunked split at " + at.toString());
    assert(rs[1].body == "hello", "then the pipelined GET");
    f.finish();
  }
}

function testPipelining(): void {
  const f = new Fixture();
  f.stream.send("GET /echo?n=1 HTTP/1.1\r\nHost: t\r\n\r\nGET /echo?n=2 HTTP/1.1\r\nHost: t\r\n\r\nGET /echo?n=3 HTTP/1.1\r\nHost: t\r\n\r\n");
  const rs = f.responses();
  assert(rs.length == 3, "three answers");
  for (let i = 0; i < 3; i++) assert(rs[i].header("x-query") == "n=" + (i + 1).toString(), "in order");
  f.finish();
}

function testPipeliningWaitsForSlowResponse(): void {
  parked = [];
  const f = new Fixture();
  f.stream.send("GET /park HTTP/1.1\r\nHost: t\r\n\r\nGET /echo?n=2 HTTP/1.1\r\nHost: t\r\n\r\nGET /park HTTP/1.1\r\nHost: t\r\n\r\n");
  assert(parked.length == 1, "first request handed over");
  assert(f.stream.take() == "", "nothing answered before the first response");
  parked[0].write("first");
  assert(parked.length == 1, "the next request waits until the response ends");
  parked[0].end();
  assert(parked.length == 2, "the third request reached the handler after the second was answered");
  f.stream.send("GET /echo?n=4 HTTP/1.1\r\nHost: t\r\n\r\n"); // arrives while the third is parked
  parked[1].send("third");
  const rs = f.responses();
  assert(rs.length == 4, "four answers, got " + rs.length.toString());
  assert(rs[0].body == "first" && rs[0].chunked, "first, streamed");
  assert(rs[1].header("x-query") == "n=2", "second");
  assert(rs[2].body == "third", "third");
  assert(rs[3].header("x-query") == "n=4", "fourth");
  f.finish();
}

function testHead(): void {
  const f = new Fixture();
  f.stream.send("HEAD / HTTP/1.1\r\nHost: t\r\n\r\nHEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n" + GET_ROOT);
  const text = f.stream.take();
  const rs = parseResponses(text, [true, true, false]);
  assert(rs.length == 3, "three answers");
  assert(rs[0].status == 200 && rs[0].header("content-length") == "5" && rs[0].body == "", "HEAD: GET's length, no body");
  assert(rs[1].header("transfer-encoding") == "chunked" && rs[1].body == "", "HEAD of a stream: no chunks");
  assert(rs[2].body == "hello", "the next response is framed right");
  assert(text.indexOf("hello") == text.lastIndexOf("hello"), "the body was sent once, for the GET");
  f.finish();
}

function testStreaming(): void {
  const f = new Fixture();
  f.stream.send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n");
  const raw = f.stream.take();
  assert(raw.indexOf("Transfer-Encoding: chunked\r\n") > 0, "chunked without a length");
  assert(raw.endsWith("1\r\na\r\n2\r\nbb\r\n3\r\nccc\r\n0\r\n\r\n"), "chunks, empty write skipped, last-chunk: " + raw);
  f.stream.send("GET /sized HTTP/1.1\r\nHost: t\r\n\r\n");
  const sized = f.only(200, "sized");
  assert(sized.body == "abcdef" && !sized.chunked && sized.header("content-length") == "6", "declared length, raw body");
  f.stream.send("GET /nocontent HTTP/1.1\r\nHost: t\r\n\r\n");
  const nc = f.only(204, "204");
  assert(nc.header("content-length") === null && nc.header("transfer-encoding") === null, "204 has no framing");
  assert(!f.stream.endCalled, "still open");
  f.stream.send("GET /short HTTP/1.1\r\nHost: t\r\n\r\n");
  const short = f.stream.take();
  assert(short.indexOf("Connection: close\r\n") < 0 && short.endsWith("abc"), "short body sent as is");
  assert(f.stream.endCalled, "a body shorter than declared ends the connection");
  f.finish();
}

function testKeepAliveAndClose(): void {
  // HTTP/1.1 with Connection: close.
  let f = new Fixture();
  f.stream.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" + GET_ROOT);
  let r = f.only(200, "1.1 close");
  assert(r.header("connection") == "close", "Connection: close answered");
  assert(f.stream.endCalled, "the server ends the stream");
  f.stream.send(GET_ROOT);
  assert(f.stream.take() == "", "input after the last request is ignored");
  f.finish();

  // HTTP/1.0 closes by default.
  f = new Fixture();
  f.stream.send("GET / HTTP/1.0\r\n\r\n");
  r = f.only(200, "1.0");
  assert(r.header("connection") == "close" && f.stream.endCalled, "1.0 closes");
  f.finish();

  // HTTP/1.0 with keep-alive.
  f = new Fixture();
  f.stream.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  r = f.only(200, "1.0 keep-alive");
  assert(r.header("connection") == "keep-alive" && !f.stream.endCalled, "1.0 keep-alive kept");
  f.stream.send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  const raw = f.stream.take();
  assert(raw.indexOf("Transfer-Encoding") < 0 && raw.indexOf("Connection: close\r\n") > 0, "1.0 stream: delimited by close");
  assert(raw.endsWith("\r\n\r\nabbccc"), "raw body: " + raw);
  assert(f.stream.endCalled, "and closed");
  f.finish();

  // The app asks to close.
  f = new Fixture();
  f.stream.send("GET /close HTTP/1.1\r\nHost: t\r\n\r\n");
  r = f.only(200, "app close");
  assert(r.header("connection") == "close" && r.body == "bye" && f.stream.endCalled, "app's Connection: close honoured");
  f.finish();

  // A transport whose end() closes at once (the peer had already sent FIN).
  f = new Fixture();
  f.stream.closeOnEnd = true;
  f.stream.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  assert(f.only(200, "close at once").body == "hello", "answered");
  assert(f.stream.closed && f.server.stats.connectionsOpen == 0, "released when end() closed the stream");

  // The client half-closes after its request: answered, then ended.
  f = new Fixture();
  f.stream.send(GET_ROOT);
  f.stream.peerEnd();
  assert(f.only(200, "after FIN").body == "hello" && f.stream.endCalled, "answer, then end");
  f.finish();

  // ... or in the middle of a request: ended without an answer.
  f = new Fixture();
  f.stream.send("GET / HTTP/1.1\r\nHo");
  f.stream.peerEnd();
  assert(f.stream.take() == "" && f.stream.endCalled, "partial request: just end");
  f.finish();

  // ... or while a response is being produced: it is still delivered.
  parked = [];
  f = new Fixture();
  f.stream.send("GET /park HTTP/1.1\r\nHost: t\r\n\r\n");
  f.stream.peerEnd();
  assert(!f.stream.endCalled, "waits for the response");
  parked[0].send("late");
  assert(f.only(200, "late").body == "late" && f.stream.endCalled, "late answer, then end");
  f.finish();
}

function expectError(request: string, status: i32, config: HttpConfig = quickConfig()): void {
  const f = new Fixture(config);
  f.stream.send(request + GET_ROOT);
  const what = "status " + status.toString();
  const r = f.only(status, what); // the pipelined GET after it is not answered
  assert(r.header("connection") == "close", what + ": Connection: close");
  assert(r.header("date") !== null, what + ": Date");
  assert(r.body.startsWith(status.toString()), what + ": a short explanation");
  assert(f.stream.endCalled, what + ": connection ended");
  assert(f.server.stats.badRequests == 1 && f.server.stats.badRequestsWith(status) == 1, what + ": counted");
  assert(f.server.stats.requests == 0, what + ": never reached the handler");
  f.finish();
}

function testErrors(): void {
  const c = quickConfig();
  c.maxRequestLineBytes = 100;
  c.maxHeaderBytes = 200;
  c.maxBodyBytes = 50;
  expectError("GET / HTTP/1.1\r\n\r\n", 400, c);
  expectError("GET /" + "a".repeat(200) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414, c);
  expectError("GET / HTTP/1.1\r\nHost: t\r\nX: " + "b".repeat(300) + "\r\n\r\n", 431, c);
  expectError("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 51\r\n\r\n" + "c".repeat(51), 413, c);
  expectError("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n" + "d".repeat(32) + "\r\n20\r\n", 413, c);
  expectError("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, c);
  expectError("GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505, c);
  expectError("PUT /echo HTTP/1.1\r\nHost: t\r\nExpect: wishes\r\nContent-Length: 1\r\n\r\nx", 417, c);

  // 413 goes out as soon as the headers are read, before any body.
  const f = new Fixture(c);
  f.stream.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n");
  f.only(413, "early 413");
  assert(f.stream.endCalled, "closed");
  f.stream.send("e".repeat(1000));
  assert(f.stream.take() == "" && !f.stream.aborted, "the body that follows is discarded while lingering");
  f.finish();

  // An error answer to HEAD has no body either.
  const h = new Fixture(c);
  h.stream.send("HEAD /" + "a".repeat(200) + " HTTP/1.1\r\nHost: t\r\n\r\n");
  const raw = h.stream.take();
  const hr = parseResponses(raw, [true]);
  assert(hr.length == 1 && hr[0].status == 414 && raw.endsWith("\r\n\r\n"), "HEAD 414 without a body");
  h.finish();

  // A bad request after good ones: the good ones are answered first.
  const g = new Fixture(c);
  g.stream.send(GET_ROOT + GET_ROOT + "BAD REQUEST\r\n\r\n" + GET_ROOT);
  const rs = g.responses();
  assert(rs.length == 3 && rs[0].status == 200 && rs[1].status == 200 && rs[2].status == 400, "two answers, then 400");
  assert(g.server.stats.requests == 2 && g.server.stats.badRequestsWith(400) == 1, "counted apart");
  g.finish();
}

function testExpectContinue(): void {
  const f = new Fixture();
  f.stream.send("PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  assert(f.stream.take() == "HTTP/1.1 100 Continue\r\n\r\n", "interim 100 before the body");
  f.stream.send("data");
  const r = f.only(200, "after 100");
  assert(r.body == "data", "final answer");
  // Body sent with the headers anyway: the 100 still comes first.
  f.stream.send("PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nhi");
  const rs = f.responses();
  assert(rs.length == 2 && rs[0].status == 100 && rs[1].body == "hi", "100 then 200");
  f.finish();
}

function testBackPressure(): void {
  const f = new Fixture();
  f.stream.room = 1000;
  f.stream.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n" + GET_ROOT);
  let text = f.stream.take();
  assert(text.length == 1000, "the transport took what fit");
  assert(f.server.stats.requests == 1, "the pipelined request waits for the output");
  let turns = 0;
  while (f.stream.writable() == 0 && turns < 1000) {
    f.stream.grantRoom(7000);
    text += f.stream.take();
    turns++;
  }
  const rs = parseResponses(text);
  assert(rs.length == 2 && rs[0].body.length == 50000 && rs[1].body == "hello", "both answers, whole and in order");
  assert(f.server.stats.requests == 2, "then the second was handled");
  f.finish();

  // A streaming handler learns when to write more.
  parked = [];
  const g = new Fixture();
  g.stream.room = 10;
  g.stream.send("GET /park HTTP/1.1\r\nHost: t\r\n\r\n");
  const res = parked[0];
  const w = new Watcher();
  res.listener = w;
  assert(!res.write("0123456789abcdef"), "write reports a full transport");
  g.stream.grantRoom(1000);
  assert(w.drains == 1, "onDrain after the queue emptied");
  assert(res.write("more"), "room again");
  res.end();
  const r = parseResponses(g.stream.take());
  assert(r.length == 1 && r[0].body == "0123456789abcdefmore", "streamed whole");
  g.finish();
}

function testPeerGoneDuringResponse(): void {
  parked = [];
  const f = new Fixture();
  f.stream.send("GET /park HTTP/1.1\r\nHost: t\r\n\r\n");
  const res = parked[0];
  const w = new Watcher();
  res.listener = w;
  f.stream.peerClose();
  assert(res.aborted && w.aborts == 1, "the handler hears of it");
  assert(!res.write("x"), "writes are ignored");
  res.end();
  assert(f.stream.take() == "", "nothing written to a closed stream");
  assert(f.server.stats.connectionsOpen == 0, "connection released");
}

function testHeaderSafety(): void {
  const f = new Fixture();
  f.stream.send("GET /inject HTTP/1.1\r\nHost: t\r\n\r\n");
  const raw = f.stream.take();
  assert(raw.indexOf("Set-Cookie") < 0 && raw.indexOf("X-Evil") < 0, "a value with CRLF is dropped");
  assert(raw.indexOf("Bad Name") < 0, "an invalid name is dropped");
  assert(raw.indexOf("X-Fine: ok\r\n") > 0, "valid headers kept");
  f.finish();
}

function testLimitsOnConnections(): void {
  const c = quickConfig();
  c.maxConnections = 1;
  const server = new HttpServer(router(), c);
  const a = new MemoryStream();
  const b = new MemoryStream();
  server.accept(a);
  server.accept(b);
  assert(!a.aborted && b.aborted, "the second connection is refused");
  assert(server.stats.connectionsRejected == 1 && server.stats.connectionsAccepted == 2, "counted");
  a.peerClose();
  const d = new MemoryStream();
  server.accept(d);
  assert(!d.aborted, "room again after a close");
  d.peerClose();

  // Pipelined input is bounded while a response is pending.
  parked = [];
  const p = quickConfig();
  p.maxPendingBytes = 100;
  const f = new Fixture(p);
  f.stream.send("GET /park HTTP/1.1\r\nHost: t\r\n\r\n");
  f.stream.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n".repeat(3)); // 93 bytes: kept
  assert(!f.stream.aborted, "within the limit");
  f.stream.send(GET_ROOT);
  assert(f.stream.aborted && f.server.stats.pendingOverflows == 1, "over it: reset");
  assert(parked[0].aborted, "the pending response learns of it");

  // Streamed output is bounded when the handler ignores back-pressure.
  parked = [];
  const q = quickConfig();
  q.maxQueuedBytes = 150; // the head (84 bytes) and a 40-byte chunk (46) fit, twice
  const g = new Fixture(q);
  g.stream.room = 0;
  g.stream.send("GET /park HTTP/1.1\r\nHost: t\r\n\r\n");
  const res = parked[0];
  assert(!res.write("x".repeat(40)), "queued: the peer reads nothing");
  assert(!res.write("x".repeat(40)) && !g.stream.aborted, "still within the limit");
  assert(!res.write("x".repeat(40)) && g.stream.aborted, "over it: reset");
  assert(res.aborted && g.server.stats.outputOverflows == 1, "aborted and counted");
  // One big send is the app's own buffer: not limited.
  const big = new Fixture(q);
  big.stream.room = 10;
  big.stream.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n");
  assert(!big.stream.aborted, "a large send() waits for the peer");
  big.finish();
}

/** Bodies of all connections together are bounded by the server's budget. */
function testBodyBudget(): void {
  const c = quickConfig();
  c.maxBodyBytesInFlight = 100;
  const server = new HttpServer(router(), c);
  const post = (length: i32): string => "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + length.toString() + "\r\n\r\n";
  const a = new MemoryStream();
  const b = new MemoryStream();
  server.accept(a);
  server.accept(b);
  a.send(post(80) + "a".repeat(60));
  assert(server.bodyBudget.held == 60, "a holds 60: " + server.bodyBudget.held.toString());
  b.send(post(80) + "b".repeat(50));
  const refused = parseResponses(b.take());
  assert(refused.length == 1 && refused[0].status == 503, "over the budget: 503");
  assert(server.bodyBudget.held == 60 && server.stats.badRequestsWith(503) == 1, "b took nothing; counted");
  a.send("a".repeat(20));
  const done = parseResponses(a.take());
  assert(done.length == 1 && done[0].status == 200 && done[0].body.length == 80, "a completes");
  assert(server.bodyBudget.held == 0, "a handed its body over: the budget is free");
  // A connection that goes away mid-body gives its bytes back.
  const d = new MemoryStream();
  server.accept(d);
  d.send(post(90) + "d".repeat(70));
  assert(server.bodyBudget.held == 70, "d holds 70");
  d.peerClose();
  assert(server.bodyBudget.held == 0, "d closed: the budget is free again");
  a.peerClose();
  b.peerClose();
}

export function main(args: string[]): void {
  testSimpleGet();
  testEveryBoundary();
  testChunkedEveryBoundary();
  testPipelining();
  testPipeliningWaitsForSlowResponse();
  testHead();
  testStreaming();
  testKeepAliveAndClose();
  testErrors();
  testExpectContinue();
  testBackPressure();
  testPeerGoneDuringResponse();
  testHeaderSafety();
  testLimitsOnConnections();
  testBodyBudget();
}
