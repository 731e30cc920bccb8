// Limits and timeouts of the HTTP server. Together they bound what one
// connection can make the server hold:
//   request line + header section (maxRequestLineBytes + maxHeaderBytes,
//   held as bytes and then as strings) + one body (maxBodyBytes) + pipelined
//   input that arrived while a response was in progress (maxPendingBytes)
//   + streamed output the peer has not taken yet (maxQueuedBytes),
// and how long it may hold it (the timeouts); maxBodyBytesInFlight bounds the
// bodies of all connections together. Bodies passed to send() are the
// app's own objects; the server only keeps references to what TCP has not
// taken.
import { NS_PER_MS } from "../core/clock";

export class HttpConfig {
  /** RFC 9112 §3: senders and recipients SHOULD support request lines of at
   *  least 8000 octets. Longer: 414 when the target is what is long, else 400. */
  maxRequestLineBytes: i32 = 8192;
  /** The whole header section (field lines with their CRLFs), and separately
   *  the trailer section of a chunked body. RFC 9110 §5.4 leaves the limit to
   *  the server; 16 KiB is what Node.js allows. Over it: 431 (RFC 6585 §5). */
  maxHeaderBytes: i32 = 16384;
  /** Field lines per section; more is answered 431 (RFC 6585 §5). */
  maxHeaderCount: i32 = 100;
  /** Request content, Content-Length or the sum of all chunks. Over it: 413
   *  (RFC 9110 §15.5.14), sent before reading the body. */
  maxBodyBytes: i32 = 1 << 20;
  /** One chunk-size line with its extensions (RFC 9112 §7.1.1 lets the
   *  server limit extensions); longer is answered 400. */
  maxChunkLineBytes: i32 = 4096;
  /** Input that arrives while a response is still being produced or sent
   *  (pipelined requests, RFC 9112 §9.3.2). A client that keeps sending
   *  without reading answers is cut off when this fills. */
  maxPendingBytes: i32 = 65536;
  /** Output waiting for a slow peer. A streaming handler that writes again
   *  while more than this waits (it ignored write() returning false) gets
   *  the connection reset. A single large send() is not limited: its bytes
   *  are the app's, held by reference. */
  maxQueuedBytes: i32 = 1 << 20;
  /** Request content all connections hold together while it arrives (see
   *  budget.ts); a body that would exceed it is answered 503. Four bodies of
   *  maxBodyBytes: lower it for a VM of a few MiB, raise it for uploads. */
  maxBodyBytesInFlight: i32 = 4 << 20;
  /** Connections open at once; more are reset at accept. */
  maxConnections: i32 = 1024;

  /** From the first byte of a request to the end of its header section
   *  (the slow-client / slowloris limit); answered 408. */
  headerTimeoutMs: i32 = 10_000;
  /** Longest pause between two pieces of a request body; answered 408. */
  bodyTimeoutMs: i32 = 10_000;
  /** A connection with no request in progress is closed after this long
   *  (RFC 9112 §9.5 lets a server close idle connections at any time). A new
   *  connection gets the same time to send its first byte. */
  idleTimeoutMs: i32 = 5_000;
  /** Longest time output may wait on a peer that does not read; then the
   *  connection is reset. */
  sendTimeoutMs: i32 = 30_000;
  /** After the server half-closes (after an error or Connection: close), how
   *  long it keeps reading and discarding input, so a client that is still
   *  sending gets the answer instead of a reset (RFC 9112 §9.6). */
  lingerMs: i32 = 2_000;
}

export function msToNs(ms: i32): i64 { return <i64>ms * NS_PER_MS; }
