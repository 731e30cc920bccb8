// A xenstore client (xen/include/public/io/xs_wire.h; docs/misc/xenstore.txt
// in the Xen tree): requests and replies over the domain's xenstore ring,
// which the machine layer moves as bytes (xenstore_send/xenstore_receive).
// Replies are matched to requests by id and handed to a XenStoreReply
// object. Requests may belong to a transaction (tx, from transactionStart;
// 0 for none): xenstored applies its writes at once when it ends with commit,
// or answers EAGAIN if what it read changed meanwhile (then retry it all). The client holds a loop reference while a request is outstanding,
// so the guest does not end while it waits for xenstored. Paths without a
// leading / are relative to the domain's /local/domain/<id>.
// Guarantees: a malformed or unmatched message is counted and dropped, never
// a panic; a request too large for the protocol is refused (false).
import { wait, xenstore_receive, xenstore_send } from "crust/boundary";
import { monotonicNs, NS_PER_S } from "crust/core/clock";
import { EventSource, addSource, ref, unref } from "crust/core/loop";

// xs_wire.h: enum xsd_sockmsg_type.
export const XS_DIRECTORY: u32 = 1;
export const XS_READ: u32 = 2;
export const XS_WATCH: u32 = 4;
export const XS_TRANSACTION_START: u32 = 6;
export const XS_TRANSACTION_END: u32 = 7;
export const XS_WRITE: u32 = 11;
export const XS_WATCH_EVENT: u32 = 15;
export const XS_ERROR: u32 = 16;
// xs_wire.h: struct xsd_sockmsg { type, req_id, tx_id, len } (u32 each), and
// XENSTORE_PAYLOAD_MAX.
const HEADER: i32 = 16;
const PAYLOAD_MAX: i32 = 4096;
// How long a blocking request (readNow, writeNow) waits for xenstored.
const BLOCKING_TIMEOUT_NS: i64 = 5 * NS_PER_S;

/** What to do with the reply to one request. */
export abstract class XenStoreReply {
  /** type is the request's own type on success, XS_ERROR with the error's
   *  name (e.g. "ENOENT") in value on failure. */
  abstract onReply(type: u32, value: string): void;
}

/** What to do when a watched path (or one below it) changes. */
export abstract class XenStoreWatch {
  abstract onChange(path: string): void;
}

/** The reply of a blocking request, kept for its caller. */
class Kept extends XenStoreReply {
  done: bool = false;
  type: u32 = 0;
  value: string = "";
  onReply(type: u32, value: string): void {
    this.done = true;
    this.type = type;
    this.value = value;
  }
}

class Outstanding {
  constructor(public id: u32, public handler: XenStoreReply | null) {}
}

export class XenStore extends EventSource {
  private rx: StaticArray<u8> = new StaticArray<u8>(HEADER + PAYLOAD_MAX);
  private rxLength: i32 = 0;
  private nextId: u32 = 1;
  private outstanding: Outstanding[] = [];
  private watches: XenStoreWatch[] = []; // the token of watches[i] is i
  /** Messages that matched no request (or were malformed) and were dropped. */
  dropped: u64 = 0;

  read(path: string, handler: XenStoreReply, tx: u32 = 0): bool {
    return this.request(XS_READ, String.UTF8.encode(path, true), null, handler, tx);
  }

  write(path: string, value: string, handler: XenStoreReply | null = null, tx: u32 = 0): bool {
    return this.request(XS_WRITE, String.UTF8.encode(path, true), String.UTF8.encode(value, false), handler, tx);
  }

  /** The names of path's children; the reply's value is them, NUL-separated
   *  (see childNames). */
  directory(path: string, handler: XenStoreReply, tx: u32 = 0): bool {
    return this.request(XS_DIRECTORY, String.UTF8.encode(path, true), null, handler, tx);
  }

  /** Begin a transaction; the reply's value is its id (decimal). */
  transactionStart(handler: XenStoreReply): bool {
    return this.request(XS_TRANSACTION_START, String.UTF8.encode("", true), null, handler);
  }

  /** End transaction tx: commit its writes, or drop them. The reply is OK,
   *  or XS_ERROR "EAGAIN" when a commit lost a race (start over). */
  transactionEnd(tx: u32, commit: bool, handler: XenStoreReply): bool {
    return this.request(XS_TRANSACTION_END, String.UTF8.encode(commit ? "T" : "F", true), null, handler, tx);
  }

  /** Read path, waiting for the reply (for start-up code that cannot go on
   *  without it); null if it does not exist or xenstored does not answer. */
  readNow(path: string, tx: u32 = 0): string | null {
    const r = new Kept();
    return this.valueNow(this.read(path, r, tx), r);
  }

  /** Write path, waiting for the reply; false if it failed. */
  writeNow(path: string, value: string, tx: u32 = 0): bool {
    const r = new Kept();
    return this.valueNow(this.write(path, value, r, tx), r) !== null;
  }

  /** The names of path's children, waiting for the reply; null if it failed. */
  directoryNow(path: string, tx: u32 = 0): string[] | null {
    const r = new Kept();
    const names = this.valueNow(this.directory(path, r, tx), r);
    return names === null ? null : childNames(names);
  }

  /** Begin a transaction, waiting for the reply; its id, or 0 if it failed. */
  transactionStartNow(): u32 {
    const r = new Kept();
    const id = this.valueNow(this.transactionStart(r), r);
    return id === null ? 0 : <u32>U32.parseInt(id);
  }

  /** End transaction tx, waiting for the reply: "OK", the error's name
   *  ("EAGAIN": start over), or "" if xenstored did not answer. */
  transactionEndNow(tx: u32, commit: bool): string {
    const r = new Kept();
    return this.transactionEnd(tx, commit, r) && this.awaitReply(r) ? r.value : "";
  }

  /** The value of a reply to a request just sent (sent: it was), or null if
   *  it could not be sent, got no answer or is an error. */
  private valueNow(sent: bool, r: Kept): string | null {
    if (!sent || !this.awaitReply(r) || r.type == XS_ERROR) return null;
    return r.value;
  }

  /** Turn this client (only) until r has its reply or the timeout passes. */
  private awaitReply(r: Kept): bool {
    const deadline = monotonicNs() + BLOCKING_TIMEOUT_NS;
    while (!r.done) {
      if (this.poll(0)) continue;
      if (monotonicNs() >= deadline) { this.forget(r); return false; }
      wait(deadline); // the xenstore event channel ends it
    }
    return true;
  }

  private forget(handler: XenStoreReply): void {
    for (let i = 0; i < this.outstanding.length; i++) {
      if (this.outstanding[i].handler !== handler) continue;
      this.outstanding.splice(i, 1);
      unref();
      return;
    }
  }

  /** Call watch.onChange(path) now and whenever path or a path below it
   *  changes. A watch holds no loop reference: it never keeps the guest up. */
  watch(path: string, watch: XenStoreWatch): bool {
    const token = String.UTF8.encode(this.watches.length.toString(), true);
    if (!this.request(XS_WATCH, String.UTF8.encode(path, true), token, null)) return false;
    this.watches.push(watch);
    return true;
  }

  private request(type: u32, path: ArrayBuffer, value: ArrayBuffer | null, handler: XenStoreReply | null, tx: u32 = 0): bool {
    const valueLength = value !== null ? value.byteLength : 0;
    const length = path.byteLength + valueLength;
    if (length > PAYLOAD_MAX) return false;
    const msg = new StaticArray<u8>(HEADER + length);
    const p = changetype<usize>(msg);
    const id = this.nextId++;
    store<u32>(p, type);
    store<u32>(p, id, 4);
    store<u32>(p, tx, 8);
    store<u32>(p, <u32>length, 12);
    memory.copy(p + HEADER, changetype<usize>(path), path.byteLength);
    if (value !== null) memory.copy(p + HEADER + path.byteLength, changetype<usize>(value), valueLength);
    if (xenstore_send(p, HEADER + length) == 0) return false;
    this.outstanding.push(new Outstanding(id, handler));
    ref();
    return true;
  }

  poll(now: i64): bool {
    const buf = changetype<usize>(this.rx);
    const n = <i32>xenstore_receive(buf + this.rxLength, this.rx.length - this.rxLength);
    if (n == 0) return false;
    this.rxLength += n;
    while (this.rxLength >= HEADER) {
      const length = load<u32>(buf, 12);
      if (length > <u32>PAYLOAD_MAX) { // cannot find the next message: drop what we have
        this.dropped++;
        this.rxLength = 0;
        break;
      }
      const size = HEADER + <i32>length;
      if (this.rxLength < size) break;
      this.deliver(load<u32>(buf), load<u32>(buf, 4), buf + HEADER, <i32>length);
      memory.copy(buf, buf + size, this.rxLength - size);
      this.rxLength -= size;
    }
    return true;
  }

  private deliver(type: u32, id: u32, payload: usize, length: i32): void {
    if (type == XS_WATCH_EVENT) { this.watchEvent(payload, length); return; }
    for (let i = 0; i < this.outstanding.length; i++) {
      const o = this.outstanding[i];
      if (o.id != id) continue;
      this.outstanding.splice(i, 1);
      unref();
      // Values carry no terminator; error names, transaction ids and
      // directory lists end with one, which is dropped.
      if (length > 0 && load<u8>(payload + length - 1) == 0) length--;
      if (o.handler !== null) o.handler!.onReply(type, String.UTF8.decodeUnsafe(payload, length, false));
      return;
    }
    this.dropped++; // a stray reply
  }

  /** XS_WATCH_EVENT's payload: the path that changed, NUL, the token, NUL. */
  private watchEvent(payload: usize, length: i32): void {
    let split = 0;
    while (split < length && load<u8>(payload + split) != 0) split++;
    const token = split + 1 < length ? I32.parseInt(String.UTF8.decodeUnsafe(payload + split + 1, length - split - 1, true)) : -1;
    if (token < 0 || token >= this.watches.length) { this.dropped++; return; }
    this.watches[token].onChange(String.UTF8.decodeUnsafe(payload, split, false));
  }
}

/** The names in a directory reply (NUL-separated). */
export function childNames(value: string): string[] {
  return value.length == 0 ? [] : value.split("\0");
}

/** The domain's xenstore client, polled by the event loop once started. */
export const xenstore = new XenStore();
let started = false;

export function startXenStore(): void {
  if (started) return;
  started = true;
  addSource(xenstore);
}
