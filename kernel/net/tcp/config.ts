// Tunables of the TCP stack, with the defaults a small server wants. Times are
// nanoseconds. One TcpConfig is shared by every connection of a Tcp instance.
import { NS_PER_MS, NS_PER_S } from "../../core/clock";

export class TcpConfig {
  /** Maximum segment lifetime; TIME_WAIT lasts 2*MSL (RFC 9293 §3.4.2).
   *  RFC 793 suggested 2 minutes; 30 s is the usual modern choice. */
  msl: i64 = 30 * NS_PER_S;
  /** Send buffer per connection: bytes written but not yet acknowledged. */
  sendBuffer: i32 = 64 * 1024;
  /** Receive buffer per connection, and so the largest window we offer.
   *  Data in order goes straight to a reading app; the buffer holds data
   *  out of order and data for a paused app. */
  receiveWindow: i32 = 64 * 1024;
  /** RFC 6298 §2.4 asks for a 1 s minimum RTO; 200 ms (Linux's choice) is
   *  accepted practice for data-centre paths and recovers 5x faster. */
  rtoMin: i64 = 200 * NS_PER_MS;
  /** RFC 6298 §2.5: an upper bound of at least 60 s. */
  rtoMax: i64 = 60 * NS_PER_S;
  /** RFC 6298 §2.1: before any RTT sample. */
  rtoInitial: i64 = 1 * NS_PER_S;
  /** SYN (or SYN-ACK) transmissions before giving up (Linux: 6, ~2 min). */
  synRetries: i32 = 6;
  /** Data retransmissions of one segment before giving up (RFC 9293 §3.8.3
   *  R2; Linux's tcp_retries2 is 15, ~15 min with backoff). */
  dataRetries: i32 = 15;
  /** RFC 9293 §3.8.6.3 / RFC 1122 §4.2.3.2: at most 500 ms; 40 ms keeps
   *  request/response latency low when Nagle holds the other side. */
  delayedAckTimeout: i64 = 40 * NS_PER_MS;
  /** Keep-alive (off by default per RFC 1122 §4.2.3.6; switch on with
   *  setKeepAlive): idle time before the first probe, at least 2 h. */
  keepAliveIdle: i64 = 7200 * NS_PER_S;
  keepAliveInterval: i64 = 75 * NS_PER_S;
  keepAliveProbes: i32 = 9;
  /** Nagle's algorithm for new connections (RFC 9293 §3.7.4). */
  noDelay: bool = false;
  /** Offer SACK (RFC 2018), window scaling and timestamps (RFC 7323). */
  sack: bool = true;
  windowScaling: bool = true;
  timestamps: bool = true;
  /** Half-open (SYN-RECEIVED) connections across all listeners; each
   *  listener's own limit is its backlog. */
  maxHalfOpen: i32 = 1024;
  /** Connections of every state together (TIME_WAIT included). */
  maxConnections: i32 = 16384;
  /** RFC 5961 §7: challenge ACKs sent per second, all connections together. */
  challengeAckLimit: i32 = 1000;
  /** RFC 6335 §6: the dynamic port range for active opens. */
  ephemeralLow: u16 = 49152;
  ephemeralHigh: u16 = 65535;
}
