// The network stack of one interface, assembled: an app calls startNetwork()
// (once) and then uses network().udp, .dns, .tcp...
//   interface (Ethernet, frame pool, IPv4 configuration)
//     +- ARP     +- IPv4 -- ICMP, UDP (-- DHCP client, DNS resolver), TCP
// startNetwork() takes the first NIC the platform found. With the kernel
// option ip= (config.ts) the address is static; without it a DHCP client
// runs and the address appears when the lease does (network().iface.address).
// TCP is created on first use of `network().tcp`, so that an app that never
// uses it does not carry it; until then TCP segments count as
// ip.drop.unknown_protocol. With the kernel option `netstats` (or
// netstats=SECONDS) the non-zero counters are logged every 10 s (or SECONDS)
// when they changed; formatCounters(network().counters) gives them any time.
import * as log from "../core/log";
import { NS_PER_S } from "../core/clock";
import { kernelOption } from "../core/args";
import { Timer } from "../core/timer";
import { NetDevice, netDevices } from "../dev/net";
import { NetClock, KernelNetClock } from "./clock";
import { NetCounters, formatCounters } from "./counters";
import { NetInterface } from "./interface";
import { Arp } from "./arp";
import { Ipv4 } from "./ipv4";
import { Icmp } from "./icmp";
import { Udp } from "./udp";
import { DhcpClient } from "./dhcp";
import { DnsResolver } from "./dns";
import { staticConfigFromOptions } from "./config";
import { Tcp } from "./tcp/tcp";

const NETSTATS_DEFAULT_S: i32 = 10;

export class Network {
  readonly counters: NetCounters;
  readonly iface: NetInterface;
  readonly arp: Arp;
  readonly ipv4: Ipv4;
  readonly icmp: Icmp;
  readonly udp: Udp;
  /** The DHCP client, when the address is not static. */
  dhcp: DhcpClient | null = null;
  private _dns: DnsResolver | null = null;
  private _tcp: Tcp | null = null;

  /** The layers on device, unconfigured; a test passes a ManualNetClock. */
  constructor(device: NetDevice, readonly clock: NetClock = new KernelNetClock()) {
    const counters = new NetCounters();
    const iface = new NetInterface(device, clock, counters);
    const arp = new Arp(iface);
    const ipv4 = new Ipv4(iface, arp);
    const icmp = new Icmp(ipv4);
    this.counters = counters;
    this.iface = iface;
    this.arp = arp;
    this.ipv4 = ipv4;
    this.icmp = icmp;
    this.udp = new Udp(ipv4, icmp);
  }

  get dns(): DnsResolver {
    let d = this._dns;
    if (d === null) this._dns = d = new DnsResolver(this.iface, this.udp);
    return d;
  }

  get tcp(): Tcp {
    let t = this._tcp;
    if (t === null) this._tcp = t = new Tcp(this.ipv4);
    return t;
  }

  /** Our address, 0 until configured. */
  get address(): u32 { return this.iface.address; }

  /** Configure statically. */
  configure(address: u32, prefixLength: i32, gateway: u32, dnsServers: u32[]): void {
    this.iface.configure(address, prefixLength, gateway, dnsServers);
  }

  /** Acquire the configuration with DHCP. */
  startDhcp(): void {
    let d = this.dhcp;
    if (d === null) this.dhcp = d = new DhcpClient(this.iface, this.udp);
    d.start();
  }
}

class StatsTimer extends Timer {
  private last: u64 = 0;
  constructor(private net: Network, private periodNs: i64) { super(); }
  fire(now: i64): void {
    const total = this.net.counters.total();
    if (total != this.last) {
      this.last = total;
      const lines = formatCounters(this.net.counters).split("\n");
      for (let i = 0; i < lines.length; i++) if (lines[i].length > 0) log.info("netstats", lines[i]);
    }
    this.start(this.periodNs);
  }
}

let current: Network | null = null;

/** The running stack, or null before startNetwork() (or without a NIC). */
export function network(): Network | null { return current; }

/** Bring up the first NIC: static configuration from ip=/gw=/dns=, else
 *  DHCP. Returns null (and logs why) when there is no NIC or the options
 *  are invalid. Calling it again returns the same stack. */
export function startNetwork(): Network | null {
  if (current !== null) return current;
  if (netDevices.length == 0) {
    log.warn("net", "no network device: networking is off");
    return null;
  }
  const config = staticConfigFromOptions();
  if (config !== null && config.error.length > 0) {
    log.error("net", config.error + "; networking is off");
    return null;
  }
  const net = new Network(netDevices[0]);
  current = net;
  if (config !== null) {
    net.configure(config.address, config.prefixLength, config.gateway, config.dnsServers);
  } else {
    log.info("net", "no ip= option: asking DHCP for an address");
    net.startDhcp();
  }
  const stats = kernelOption("netstats");
  if (stats !== null) {
    const seconds = stats.length > 0 ? I32.parseInt(stats) : 0;
    const period = <i64>(seconds > 0 ? seconds : NETSTATS_DEFAULT_S) * NS_PER_S;
    new StatsTimer(net, period).start(period);
  }
  return net;
}

