// The contract between the IPv4 layer and the transport protocols above it
// (TCP, UDP, ICMP): how a transport receives its packets and sends its
// segments. Both sides code against these two classes only.

/** A transport protocol registered with the IP layer for one protocol number. */
export abstract class TransportProtocol {
  /** A packet for this protocol arrived. payload/len is the IP payload (the
   *  transport header and data), valid only during the call. checksumVerified
   *  is true when the NIC already validated the transport checksum. */
  abstract input(src: u32, dst: u32, payload: usize, len: i32, checksumVerified: bool): void;
}

/** What the IP layer offers to transports. Addresses are u32 with the first
 *  octet in the most significant byte (10.0.2.15 is 0x0a00020f). */
export abstract class IpLayer {
  /** This host's address, 0 while unconfigured (e.g. before DHCP). */
  abstract localAddress(): u32;
  /** The largest transport segment (header + data) that fits one IP packet. */
  abstract maxSegment(): i32;
  /** Send a transport segment to dst. The segment's checksum field, at
   *  checksumOffset from its start, must hold 0: the IP layer completes the
   *  checksum over the IPv4 pseudo-header (RFC 9293 §3.1, RFC 768) itself or
   *  lets the NIC do it. checksumOffset -1 means the segment carries its own
   *  (ICMP). Returns false when the packet was dropped (no route, ARP pending
   *  queue full, NIC queue full); the reason is counted by the IP layer.
   *  The segment is copied before send returns, and send never calls back
   *  into a transport's input() (a loopback would have to queue). */
  abstract send(dst: u32, protocol: u8, segment: usize, len: i32, checksumOffset: i32): bool;
  /** Deliver packets with this protocol number to handler. */
  abstract register(protocol: u8, handler: TransportProtocol): void;
}
