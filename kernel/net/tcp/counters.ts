// Counters of the TCP stack: every dropped segment is counted under the
// reason it was dropped, so an operator can tell a SYN flood from a bad cable.
// The app reads them with `tcp.counters` (all monotonically increasing).

export class TcpCounters {
  // Segments
  segmentsIn: u64 = 0;
  segmentsOut: u64 = 0;
  retransmits: u64 = 0;
  fastRetransmits: u64 = 0;
  timeouts: u64 = 0;            // RTO expiries
  resetsSent: u64 = 0;
  resetsReceived: u64 = 0;       // RSTs that closed a connection
  challengeAcks: u64 = 0;        // RFC 5961 challenge ACKs sent
  challengeAcksSuppressed: u64 = 0;
  sendFailures: u64 = 0;         // IpLayer.send returned false
  // Drops on input, by reason
  dropMalformed: u64 = 0;        // too short, bad data offset, bad options
  dropBadChecksum: u64 = 0;
  dropNoListener: u64 = 0;       // no connection, no listener: RST sent
  dropBacklogFull: u64 = 0;      // listener's half-open limit reached
  dropHalfOpenLimit: u64 = 0;    // global half-open limit reached
  dropConnectionLimit: u64 = 0;  // maxConnections reached
  dropOutOfWindow: u64 = 0;      // unacceptable sequence number
  dropBadAck: u64 = 0;           // ACK of data never sent, or too old
  dropPaws: u64 = 0;             // RFC 7323 PAWS: old timestamp
  dropReassemblyFull: u64 = 0;   // out-of-order data with no room left
  dropNoAck: u64 = 0;            // synchronized state, ACK bit clear
  dropBadSegment: u64 = 0;       // nonsense for the state (e.g. SYN+FIN to a listener)
  dropAfterClose: u64 = 0;       // data after this side can no longer deliver it
  // Connections
  activeOpens: u64 = 0;
  passiveOpens: u64 = 0;
  connectFailures: u64 = 0;      // active opens that ended in RST or timeout
  established: u64 = 0;
  closed: u64 = 0;
}
