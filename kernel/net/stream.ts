// Byte streams: the interface between a transport (TCP, or a test's in-memory
// pipe) and the protocols on top of it (HTTP, echo). Callbacks are methods of
// a handler object, since AssemblyScript has no closures.

/** Why a stream ended. */
export enum CloseReason {
  /** Both sides finished cleanly (FIN exchanged). */
  Done = 0,
  /** The peer reset the connection. */
  Reset = 1,
  /** Retransmissions or keep-alives went unanswered. */
  Timeout = 2,
  /** This side aborted it. */
  Aborted = 3,
}

// Calls may come from inside write(), end() and abort() (e.g. onClose when an
// abort ends the stream at once): a handler must not assume it runs only
// from the event loop.

export abstract class StreamHandler {
  /** Bytes arrived. They are only valid during the call. */
  abstract onData(stream: Stream, data: usize, len: i32): void;
  /** The peer will send no more (it sent FIN); writing is still allowed. */
  onEnd(stream: Stream): void {}
  /** The send buffer has room again after write() accepted less than asked. */
  onDrain(stream: Stream): void {}
  /** The stream is gone; no more calls follow. */
  onClose(stream: Stream, reason: CloseReason): void {}
}

export abstract class Stream {
  handler: StreamHandler | null = null;

  /** Queue bytes for sending; returns how many were accepted (fewer than len
   *  when the send buffer is full: wait for onDrain). */
  abstract write(data: usize, len: i32): i32;
  /** Room left in the send buffer. */
  abstract writable(): i32;
  /** Send FIN once everything queued has been sent. */
  abstract end(): void;
  /** Reset the connection at once; queued data is dropped. */
  abstract abort(): void;
  /** The peer's address as text, for logs ("10.0.2.2:51234"). */
  abstract remote(): string;
  /** Stop calling onData: the transport holds what arrives and slows the
   *  peer down (TCP closes its receive window). */
  abstract pause(): void;
  /** Deliver what was held, and take more. */
  abstract resume(): void;

  /** Write a string (UTF-8); returns false if it did not fit entirely. */
  writeString(s: string): bool {
    const b = String.UTF8.encode(s);
    return this.write(changetype<usize>(b), b.byteLength) == b.byteLength;
  }
}

/** Accepts new streams from a listening transport. */
export abstract class StreamAcceptor {
  abstract accept(stream: Stream): void;
}
