// Why bytes are not a packet: the one error type of net/wire. parse() returns
// it instead of trapping, so the stack can count each kind and drop the
// packet; emit() returns it instead of writing past its buffer.

export enum WireError {
  /** Parsed (or emitted) fine. */
  Ok = 0,
  /** The bytes end before the packet does: a header, or a length field,
   *  reaches past the buffer. */
  Truncated,
  /** A field holds a value its specification forbids (a header length below
   *  the minimum, lengths that contradict each other, a DNS name loop), or,
   *  for emit(), a Repr the wire format cannot carry. */
  Malformed,
  /** The checksum does not match the bytes. */
  BadChecksum,
  /** Well formed, but of a kind this stack does not handle (ARP for another
   *  hardware type, an ICMP timestamp request). */
  Unsupported,
  /** emit(): the buffer is too small for the packet. */
  NoRoom,
}

/** A short name for logs and counters. */
export function wireErrorName(e: WireError): string {
  switch (e) {
    case WireError.Ok: return "ok";
    case WireError.Truncated: return "truncated";
    case WireError.Malformed: return "malformed";
    case WireError.BadChecksum: return "bad checksum";
    case WireError.Unsupported: return "unsupported";
    case WireError.NoRoom: return "no room";
  }
  return "unknown";
}
