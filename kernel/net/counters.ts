// Counters of the network stack below TCP: traffic per layer and every drop
// under the reason for it, so that an operator can tell a bad cable from a
// misconfigured peer. All counters only grow. An app reads one with
// `network().counters.get(NetCounter.IpBadChecksum)` or prints them all with
// formatCounters(). The kernel option `netstats` makes the stack log the
// non-zero counters every 10 s (netstats=SECONDS to choose), when they changed.
//
// A counter is an index into one array, so that adding one means adding a
// name here and nothing else: the names below are in enum order.

export enum NetCounter {
  // Ethernet / interface
  FramesIn,
  FramesOut,
  EthTooShort,            // shorter than an Ethernet header
  EthNotForUs,            // destination MAC neither ours nor broadcast
  EthUnknownType,         // EtherType we do not speak (IPv6, VLAN...)
  TxPoolEmpty,            // every frame buffer in use (ARP queues full of waiting packets)
  TxQueueFull,            // the NIC refused the frame
  // ARP
  ArpIn,
  ArpRequestsOut,
  ArpRepliesOut,
  ArpMalformed,           // too short, or not Ethernet/IPv4
  ArpNotForUs,            // a request for another host's address
  ArpQueueFull,           // a packet waiting for resolution beyond the per-destination queue
  ArpUnresolved,          // a waiting packet dropped because nobody answered
  ArpTableFull,           // a cache entry evicted to make room
  ArpConflict,            // another station claims our address
  // IPv4
  IpIn,
  IpOut,
  IpTooShort,
  IpBadVersion,
  IpBadHeaderLength,
  IpBadTotalLength,       // total length beyond the frame, or below the header
  IpBadChecksum,
  IpFragment,             // fragments are dropped: see ipv4.ts
  IpNotForUs,
  IpBadSource,            // broadcast or multicast source address
  IpUnknownProtocol,
  IpNoRoute,              // send: unconfigured, or off-link without a gateway
  IpTooBig,               // send: segment larger than maxSegment()
  // ICMP
  IcmpIn,
  IcmpOut,
  IcmpEchoRequests,
  IcmpUnreachableIn,
  IcmpMalformed,
  IcmpBadChecksum,
  IcmpEchoToBroadcast,    // not answered (RFC 1122 §3.2.2.6 allows this)
  IcmpOtherType,
  IcmpRateLimited,        // an error we did not send: over the rate limit
  // UDP
  UdpIn,
  UdpOut,
  UdpMalformed,
  UdpBadChecksum,
  UdpNoPort,              // no socket bound: ICMP port unreachable sent
  // DHCP client
  DhcpOut,
  DhcpIn,
  DhcpMalformed,
  DhcpIgnored,            // another transaction, client, or a message not expected now
  DhcpNak,
  DhcpLeases,             // leases obtained or renewed
  DhcpExpired,
  // DNS resolver
  DnsQueries,
  DnsRetries,
  DnsTimeouts,            // lookups that failed after every try
  DnsCacheHits,
  DnsMalformed,
  DnsMismatch,            // answer to a question we did not ask (id, name)
  DnsErrors,              // answers with an error code (NXDOMAIN...)
  Count,
}

const NAMES: string[] = [
  "eth.in", "eth.out", "eth.drop.too_short", "eth.drop.not_for_us", "eth.drop.unknown_type",
  "tx.drop.pool_empty", "tx.drop.queue_full",
  "arp.in", "arp.requests_out", "arp.replies_out", "arp.drop.malformed", "arp.drop.not_for_us",
  "arp.drop.queue_full", "arp.drop.unresolved", "arp.table_full", "arp.conflict",
  "ip.in", "ip.out", "ip.drop.too_short", "ip.drop.bad_version", "ip.drop.bad_header_length",
  "ip.drop.bad_total_length", "ip.drop.bad_checksum", "ip.drop.fragment", "ip.drop.not_for_us",
  "ip.drop.bad_source", "ip.drop.unknown_protocol", "ip.drop.no_route", "ip.drop.too_big",
  "icmp.in", "icmp.out", "icmp.echo_requests", "icmp.unreachable_in", "icmp.drop.malformed",
  "icmp.drop.bad_checksum", "icmp.drop.echo_to_broadcast", "icmp.other_type", "icmp.rate_limited",
  "udp.in", "udp.out", "udp.drop.malformed", "udp.drop.bad_checksum", "udp.drop.no_port",
  "dhcp.out", "dhcp.in", "dhcp.drop.malformed", "dhcp.drop.ignored", "dhcp.nak", "dhcp.leases",
  "dhcp.expired",
  "dns.queries", "dns.retries", "dns.timeouts", "dns.cache_hits", "dns.drop.malformed",
  "dns.drop.mismatch", "dns.errors",
];

export class NetCounters {
  private values: StaticArray<u64> = new StaticArray<u64>(NetCounter.Count);

  constructor() {
    assert(NAMES.length == NetCounter.Count, "net counter names out of step with NetCounter");
  }

  @inline inc(c: NetCounter): void { this.values[c]++; }
  @inline add(c: NetCounter, n: u64): void { this.values[c] += n; }
  @inline get(c: NetCounter): u64 { return this.values[c]; }

  /** Sum of every counter, to tell cheaply whether anything changed. */
  total(): u64 {
    let t: u64 = 0;
    for (let i = 0; i < NetCounter.Count; i++) t += this.values[i];
    return t;
  }
}

export function counterName(c: NetCounter): string { return NAMES[c]; }

/** The non-zero counters, "name=value" separated by blanks, one line per
 *  layer ("ip.in=12 ip.out=10 ip.drop.fragment=2"); "" when all are zero. */
export function formatCounters(c: NetCounters): string {
  let out = "";
  let line = "";
  let layer = "";
  for (let i = 0; i < NetCounter.Count; i++) {
    const v = c.get(<NetCounter>i);
    if (v == 0) continue;
    const name = NAMES[i];
    const dot = name.indexOf(".");
    const l = name.slice(0, dot);
    if (l != layer && line.length > 0) { out += line + "\n"; line = ""; }
    layer = l;
    line += (line.length > 0 ? " " : "") + name + "=" + v.toString();
  }
  if (line.length > 0) out += line + "\n";
  return out;
}
