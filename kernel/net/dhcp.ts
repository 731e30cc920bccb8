// DHCPv4 client (RFC 2131 §4.4): obtains an address, subnet mask, default
// router and DNS servers, applies them to the interface, and keeps the lease.
//   INIT -> SELECTING: broadcast DISCOVER, take the first valid OFFER
//   REQUESTING: broadcast REQUEST for it (server identifier, requested IP)
//   BOUND on ACK: configure; at T1 -> RENEWING: unicast REQUEST to the server
//   at T2 -> REBINDING: broadcast REQUEST to any server
//   lease expiry: remove the address and start over; NAK: start over.
// Retransmission (§4.1): 4 s, doubled up to 64 s, each +-1 s at random;
// SELECTING retries forever, REQUESTING gives up after DHCP_REQUEST_TRIES and
// starts over. In RENEWING and REBINDING a REQUEST is repeated after half the
// time left until T2 (resp. expiry), at least 60 s apart (§4.4.5).
// The transaction id is random per exchange (entropy); a reply is taken
// only if it is a BOOTREPLY with our xid and our hardware address.
// The offered address is not probed with ARP before use (§2.2 "SHOULD");
// conflicts are still noticed by ARP and counted (ArpConflict).
import * as log from "../core/log";
import { NS_PER_S } from "../core/clock";
import { Timer } from "../core/timer";
import { randomU32 } from "../core/entropy";
import { WireError } from "./wire/error";
import { formatIpv4, IPV4_BROADCAST } from "./wire/ipv4";
import {
  DhcpPacket, DhcpRepr, BOOTREPLY, BOOTREQUEST, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, DHCPACK, DHCPDISCOVER,
  DHCPNAK, DHCPOFFER, DHCPREQUEST, DHCP_OPT_SUBNET_MASK, DHCP_OPT_ROUTER, DHCP_OPT_DNS_SERVER,
  DHCP_OPT_LEASE_TIME, DHCP_OPT_RENEWAL_TIME, DHCP_OPT_REBINDING_TIME,
} from "./wire/dhcpv4";
import { NetInterface } from "./interface";
import { Udp, UdpHandler, UdpSocket } from "./udp";
import { NetCounter } from "./counters";

export enum DhcpState { Init, Selecting, Requesting, Bound, Renewing, Rebinding, Stopped }

const STATE_NAMES: string[] = ["init", "selecting", "requesting", "bound", "renewing", "rebinding", "stopped"];
export function dhcpStateName(s: DhcpState): string { return STATE_NAMES[<i32>s]; }

// RFC 2131 §4.1: "a delay of 4 seconds before the first retransmission ...
// doubled on subsequent retransmissions up to a maximum of 64 seconds ...
// randomized by the value of a uniform random number chosen from -1 to +1".
const RETRANSMIT_FIRST_NS: i64 = 4 * NS_PER_S;
const RETRANSMIT_MAX_NS: i64 = 64 * NS_PER_S;
const JITTER_NS: i64 = NS_PER_S;
/** §4.4.5: the least wait between REQUESTs while renewing or rebinding. */
const RENEW_RETRY_MIN_NS: i64 = 60 * NS_PER_S;
/** REQUESTs sent for an offer before starting over. */
export const DHCP_REQUEST_TRIES: i32 = 4;
/** A lease of 0xffffffff seconds never ends (RFC 2132 §9.2). */
const INFINITE_LEASE: u32 = 0xffffffff;
/** The messages we send fit a minimal BOOTP message (RFC 1542 §2.1). */
const MESSAGE_LEN: i32 = 300;

class DhcpTimer extends Timer {
  constructor(private client: DhcpClient) { super(); }
  fire(now: i64): void { this.client.onTimer(now); }
}

class DhcpReceiver extends UdpHandler {
  constructor(private client: DhcpClient) { super(); }
  onDatagram(srcIp: u32, srcPort: u16, data: usize, len: i32): void { this.client.receive(srcPort, data, len); }
}

export class DhcpClient {
  state: DhcpState = DhcpState.Stopped;
  /** The lease: our address, its server, and when it must be renewed,
   *  rebound and given up (monotonic ns). */
  leasedAddress: u32 = 0;
  server: u32 = 0;
  t1: i64 = 0;
  t2: i64 = 0;
  expiry: i64 = 0;

  private socket: UdpSocket | null = null;
  private timer!: DhcpTimer;
  private xid: u32 = 0;
  private started: i64 = 0;      // start of this exchange, for the secs field
  private tries: i32 = 0;        // messages sent in this state
  private offered: u32 = 0;
  private packet: DhcpPacket = new DhcpPacket();
  private repr: DhcpRepr = new DhcpRepr();
  private buffer: StaticArray<u8> = new StaticArray<u8>(MESSAGE_LEN);

  constructor(readonly iface: NetInterface, readonly udp: Udp) {
    this.timer = new DhcpTimer(this);
  }

  /** Start acquiring a lease. False if the client port is taken. */
  start(): bool {
    if (this.socket === null) {
      this.socket = this.udp.bind(DHCP_CLIENT_PORT, new DhcpReceiver(this));
      if (this.socket === null) { log.error("dhcp", "port 68 is in use"); return false; }
    }
    this.discover();
    return true;
  }

  /** Stop the client (the address stays until the caller removes it). */
  stop(): void {
    this.state = DhcpState.Stopped;
    this.iface.clock.cancel(this.timer);
    const s = this.socket;
    if (s !== null) s.close();
    this.socket = null;
  }

  // ---- state changes ----

  private discover(): void {
    this.state = DhcpState.Selecting;
    this.newTransaction();
    this.offered = 0;
    this.sendMessage(DHCPDISCOVER);
  }

  private request(offered: u32, server: u32): void {
    this.state = DhcpState.Requesting;
    this.offered = offered;
    this.server = server;
    this.tries = 0;
    this.sendMessage(DHCPREQUEST);
  }

  private renew(now: i64): void {
    this.state = DhcpState.Renewing;
    this.newTransaction();
    this.sendMessage(DHCPREQUEST);
    this.armRenewRetry(now, this.t2);
  }

  private rebind(now: i64): void {
    this.state = DhcpState.Rebinding;
    this.newTransaction();
    this.sendMessage(DHCPREQUEST);
    this.armRenewRetry(now, this.expiry);
  }

  private expire(): void {
    log.warn("dhcp", "lease of " + formatIpv4(this.leasedAddress) + " expired");
    this.iface.counters.inc(NetCounter.DhcpExpired);
    this.leasedAddress = 0;
    this.iface.deconfigure();
    this.discover();
  }

  onTimer(now: i64): void {
    switch (this.state) {
      case DhcpState.Selecting: this.sendMessage(DHCPDISCOVER); break;
      case DhcpState.Requesting:
        if (this.tries >= DHCP_REQUEST_TRIES) this.discover();
        else this.sendMessage(DHCPREQUEST);
        break;
      case DhcpState.Bound: this.renew(now); break;
      case DhcpState.Renewing:
        if (now >= this.t2) this.rebind(now);
        else { this.sendMessage(DHCPREQUEST); this.armRenewRetry(now, this.t2); }
        break;
      case DhcpState.Rebinding:
        if (now >= this.expiry) this.expire();
        else { this.sendMessage(DHCPREQUEST); this.armRenewRetry(now, this.expiry); }
        break;
      default: break;
    }
  }

  // ---- receive ----

  receive(srcPort: u16, data: usize, len: i32): void {
    const c = this.iface.counters;
    c.inc(NetCounter.DhcpIn);
    this.packet.wrap(data, len);
    const m = this.repr;
    if (m.parse(this.packet) != WireError.Ok) { c.inc(NetCounter.DhcpMalformed); return; }
    if (srcPort != DHCP_SERVER_PORT || m.op != BOOTREPLY || m.xid != this.xid || m.clientMac != this.iface.mac) {
      c.inc(NetCounter.DhcpIgnored);
      return;
    }
    const type = m.messageType;
    const s = this.state;
    if (s == DhcpState.Selecting && type == DHCPOFFER) {
      if (m.yourAddr == 0 || m.serverId == 0) { c.inc(NetCounter.DhcpMalformed); return; }
      log.debug("dhcp", "offer of " + formatIpv4(m.yourAddr) + " from " + formatIpv4(m.serverId));
      this.request(m.yourAddr, m.serverId);
    } else if ((s == DhcpState.Requesting || s == DhcpState.Renewing || s == DhcpState.Rebinding) && type == DHCPACK) {
      if (m.yourAddr == 0 || m.leaseTime == 0) { c.inc(NetCounter.DhcpMalformed); return; }
      this.bind(m);
    } else if ((s == DhcpState.Requesting || s == DhcpState.Renewing || s == DhcpState.Rebinding) && type == DHCPNAK) {
      c.inc(NetCounter.DhcpNak);
      log.warn("dhcp", "server refused " + formatIpv4(this.leasedAddress != 0 ? this.leasedAddress : this.offered));
      if (this.leasedAddress != 0) { this.leasedAddress = 0; this.iface.deconfigure(); }
      this.discover();
    } else {
      c.inc(NetCounter.DhcpIgnored);
    }
  }

  /** An ACK: take the lease, configure the interface if anything changed,
   *  and wait for T1. */
  private bind(m: DhcpRepr): void {
    const now = this.iface.clock.now();
    this.iface.counters.inc(NetCounter.DhcpLeases);
    const renewed = this.leasedAddress == m.yourAddr;
    this.leasedAddress = m.yourAddr;
    if (m.serverId != 0) this.server = m.serverId;
    this.state = DhcpState.Bound;
    // Times count from when the REQUEST was sent (§4.4.1); the exchange
    // takes milliseconds, so counting from now only shortens the lease.
    const lease = m.leaseTime;
    if (lease == INFINITE_LEASE) {
      this.t1 = this.t2 = this.expiry = i64.MAX_VALUE;
    } else {
      const leaseNs = <i64>lease * NS_PER_S;
      // §4.4.5 defaults: T1 = 0.5, T2 = 0.875 of the lease.
      let t1 = m.renewalTime != 0 ? <i64>m.renewalTime * NS_PER_S : leaseNs / 2;
      let t2 = m.rebindingTime != 0 ? <i64>m.rebindingTime * NS_PER_S : leaseNs * 7 / 8;
      if (t2 > leaseNs) t2 = leaseNs;
      if (t1 > t2) t1 = t2;
      this.t1 = now + t1;
      this.t2 = now + t2;
      this.expiry = now + leaseNs;
    }
    const prefix = m.subnetMask != 0 ? maskToPrefix(m.subnetMask) : classfulPrefix(m.yourAddr);
    const gateway = m.routerCount > 0 ? m.routers[0] : 0;
    const dns: u32[] = [];
    for (let i = 0; i < m.dnsServerCount; i++) dns.push(m.dnsServers[i]);
    const iface = this.iface;
    if (!renewed || iface.address != m.yourAddr || iface.prefixLength != prefix || iface.gateway != gateway ||
        !sameList(iface.dnsServers, dns)) {
      iface.configure(m.yourAddr, prefix, gateway, dns);
    }
    log.debug("dhcp", (renewed ? "renewed " : "bound ") + formatIpv4(m.yourAddr) + " for " + lease.toString() + " s");
    if (this.t1 != i64.MAX_VALUE) iface.clock.schedule(this.timer, this.t1);
    else iface.clock.cancel(this.timer);
  }

  // ---- send ----

  private newTransaction(): void {
    this.xid = randomU32();
    this.started = this.iface.clock.now();
    this.tries = 0;
  }

  /** Send a DISCOVER or REQUEST as the state asks, and arm the
   *  retransmission for SELECTING and REQUESTING. */
  private sendMessage(type: u8): void {
    const iface = this.iface;
    const now = iface.clock.now();
    const m = this.repr;
    const s = this.state;
    m.op = BOOTREQUEST;
    m.messageType = type;
    m.xid = this.xid;
    m.secs = <u16>min<i64>((now - this.started) / NS_PER_S, 0xffff);
    m.broadcast = false;
    m.clientAddr = 0;
    m.yourAddr = 0;
    m.serverAddr = 0;
    m.relayAddr = 0;
    m.clientMac = iface.mac;
    m.serverId = 0;
    m.requestedIp = 0;
    m.subnetMask = 0;
    m.broadcastAddr = 0;
    m.leaseTime = 0;
    m.renewalTime = 0;
    m.rebindingTime = 0;
    m.maxMessageSize = 0;
    m.routerCount = 0;
    m.dnsServerCount = 0;
    const asks: u8[] = [DHCP_OPT_SUBNET_MASK, DHCP_OPT_ROUTER, DHCP_OPT_DNS_SERVER, DHCP_OPT_LEASE_TIME,
      DHCP_OPT_RENEWAL_TIME, DHCP_OPT_REBINDING_TIME];
    for (let i = 0; i < asks.length; i++) m.requests[i] = asks[i];
    m.requestCount = asks.length;
    let dst = IPV4_BROADCAST;
    if (s == DhcpState.Requesting) {
      // §4.3.2 "SELECTING state": server identifier and requested IP, ciaddr 0.
      m.serverId = this.server;
      m.requestedIp = this.offered;
    } else if (s == DhcpState.Renewing || s == DhcpState.Rebinding) {
      // §4.3.2 "RENEWING/REBINDING state": ciaddr, no server id or requested IP.
      m.clientAddr = this.leasedAddress;
      if (s == DhcpState.Renewing) dst = this.server;
    }
    const len = MESSAGE_LEN;
    this.packet.wrap(changetype<usize>(this.buffer), len);
    m.emit(this.packet);
    const socket = this.socket;
    if (socket !== null && socket.sendTo(dst, DHCP_SERVER_PORT, changetype<usize>(this.buffer), len)) {
      iface.counters.inc(NetCounter.DhcpOut);
    }
    this.tries++;
    if (s == DhcpState.Selecting || s == DhcpState.Requesting) {
      let wait = RETRANSMIT_FIRST_NS << min(this.tries - 1, 4); // 4, 8, 16, 32, 64 s
      if (wait > RETRANSMIT_MAX_NS) wait = RETRANSMIT_MAX_NS;
      wait += <i64>(randomU32() % <u32>(2 * JITTER_NS / 1000)) * 1000 - JITTER_NS;
      iface.clock.schedule(this.timer, now + wait);
    }
  }

  /** Renewing/rebinding: try again after half the time left until `until`,
   *  at least RENEW_RETRY_MIN_NS later, or at `until` itself. */
  private armRenewRetry(now: i64, until: i64): void {
    let next = now + max((until - now) / 2, RENEW_RETRY_MIN_NS);
    if (next > until) next = until;
    this.iface.clock.schedule(this.timer, next);
  }
}

/** The prefix length of a subnet mask (the count of its leading ones). */
export function maskToPrefix(mask: u32): i32 { return <i32>clz<u32>(~mask); }

/** RFC 791 classes, for a server that sends no mask. */
function classfulPrefix(a: u32): i32 {
  if (a >> 31 == 0) return 8;
  if (a >> 30 == 2) return 16;
  return 24;
}

function sameList(a: u32[], b: u32[]): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}
