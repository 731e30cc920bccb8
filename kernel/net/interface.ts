// A network interface: one NetDevice bound to the stack. It owns the receive
// side's Ethernet dispatch (by EtherType, to ARP and IPv4), the transmit
// side's frame pool and Ethernet header, and the interface's IPv4
// configuration (address, prefix, gateway, DNS servers) with the observers
// that react to it (ARP announces the address, DNS forgets its cache).
// Frames not addressed to us, too short, or of an EtherType nobody handles are
// counted and dropped; nothing here allocates per frame.
import { NetDevice, FrameSink } from "../dev/net";
import * as log from "../core/log";
import {
  EthernetFrame, EthernetRepr, ETHERNET_HEADER_LEN, ETHERNET_MIN_FRAME_LEN, MAC_BROADCAST, formatMac,
} from "./wire/ethernet";
import { WireError } from "./wire/error";
import { IPV4_BROADCAST, formatIpv4 } from "./wire/ipv4";
import { NetClock } from "./clock";
import { NetCounter, NetCounters } from "./counters";
import { FrameBuffer, FramePool } from "./pool";

/** Frame buffers per interface: packets in flight plus those waiting for ARP. */
export const TX_POOL_SIZE: i32 = 32;

/** A protocol carried directly in Ethernet frames (ARP, IPv4). */
export abstract class EtherProtocol {
  /** payload/len: the frame's payload (with any Ethernet padding), valid
   *  only during the call. */
  abstract input(payload: usize, len: i32): void;
}

/** Told when the interface's IPv4 configuration changes. */
export abstract class ConfigObserver {
  abstract configured(iface: NetInterface): void;
}

export class NetInterface extends FrameSink {
  readonly mac: u64;
  readonly pool: FramePool;
  private rxFrame: EthernetFrame = new EthernetFrame();
  private rxEth: EthernetRepr = new EthernetRepr();
  private txFrame: EthernetFrame = new EthernetFrame();
  private txEth: EthernetRepr = new EthernetRepr();
  private etherTypes: u16[] = [];
  private protocols: EtherProtocol[] = [];
  private observers: ConfigObserver[] = [];

  // IPv4 configuration; address 0 while unconfigured.
  address: u32 = 0;
  prefixLength: i32 = 0;
  netmask: u32 = 0;
  gateway: u32 = 0;
  dnsServers: u32[] = [];

  constructor(readonly device: NetDevice, readonly clock: NetClock, readonly counters: NetCounters) {
    super();
    const m = device.mac;
    let mac: u64 = 0;
    for (let i = 0; i < 6; i++) mac = (mac << 8) | <u64>m[i];
    this.mac = mac;
    this.pool = new FramePool(TX_POOL_SIZE, ETHERNET_HEADER_LEN + device.mtu);
    device.sink = this;
  }

  /** Largest IP packet (Ethernet payload). */
  @inline get mtu(): i32 { return this.device.mtu; }

  register(etherType: u16, protocol: EtherProtocol): void {
    this.etherTypes.push(etherType);
    this.protocols.push(protocol);
  }

  observe(o: ConfigObserver): void { this.observers.push(o); }

  // ---- receive ----

  receive(frame: usize, len: i32): void {
    const c = this.counters;
    c.inc(NetCounter.FramesIn);
    const view = this.rxFrame;
    view.wrap(frame, len);
    const eth = this.rxEth;
    if (eth.parse(view) != WireError.Ok) { c.inc(NetCounter.EthTooShort); return; }
    if (eth.dst != this.mac && eth.dst != MAC_BROADCAST) { c.inc(NetCounter.EthNotForUs); return; }
    const types = this.etherTypes;
    for (let i = 0; i < types.length; i++) {
      if (types[i] == eth.etherType) {
        this.protocols[i].input(view.payload(), view.payloadLen());
        return;
      }
    }
    c.inc(NetCounter.EthUnknownType);
  }

  // ---- transmit ----

  /** A frame buffer whose payload starts at ETHERNET_HEADER_LEN, or null
   *  (counted) when the pool is empty. */
  allocFrame(): FrameBuffer | null {
    const b = this.pool.acquire();
    if (b === null) this.counters.inc(NetCounter.TxPoolEmpty);
    return b;
  }

  freeFrame(b: FrameBuffer): void { this.pool.release(b); }

  /** Fill in the Ethernet header of b (b.len covers header and payload), hand
   *  it to the device and return the buffer to the pool. False (counted) if
   *  the device's queue was full. */
  transmit(b: FrameBuffer, dst: u64, etherType: u16): bool {
    if (b.len < ETHERNET_MIN_FRAME_LEN) { // pad short frames with zeros, not old bytes
      memory.fill(b.ptr + <usize>b.len, 0, <usize>(ETHERNET_MIN_FRAME_LEN - b.len));
      b.len = ETHERNET_MIN_FRAME_LEN;
    }
    const view = this.txFrame;
    view.wrap(b.ptr, b.len);
    const eth = this.txEth;
    eth.dst = dst;
    eth.src = this.mac;
    eth.etherType = etherType;
    eth.emit(view);
    const ok = this.device.transmit(b.ptr, b.len, b.csumStart, b.csumOffset);
    this.pool.release(b);
    if (ok) this.counters.inc(NetCounter.FramesOut);
    else this.counters.inc(NetCounter.TxQueueFull);
    return ok;
  }

  // ---- IPv4 configuration ----

  /** Apply an address (with its prefix length), a default gateway (0: none)
   *  and DNS servers, and tell the observers. */
  configure(address: u32, prefixLength: i32, gateway: u32, dnsServers: u32[]): void {
    this.address = address;
    this.prefixLength = prefixLength;
    this.netmask = prefixLength <= 0 ? 0 : <u32>(0xffffffff << (32 - min(prefixLength, 32)));
    this.gateway = gateway;
    this.dnsServers = dnsServers;
    log.info("net", "address " + formatIpv4(address) + "/" + prefixLength.toString() +
      (gateway != 0 ? " gateway " + formatIpv4(gateway) : "") +
      (dnsServers.length > 0 ? " dns " + formatIpv4(dnsServers[0]) : "") + " on " + formatMac(this.mac));
    this.notify();
  }

  /** Forget the address (a DHCP lease expired). */
  deconfigure(): void {
    if (this.address == 0) return;
    log.warn("net", "address " + formatIpv4(this.address) + " removed");
    this.address = 0;
    this.prefixLength = 0;
    this.netmask = 0;
    this.gateway = 0;
    this.dnsServers = [];
    this.notify();
  }

  private notify(): void {
    for (let i = 0; i < this.observers.length; i++) this.observers[i].configured(this);
  }

  /** dst is on the attached subnet (reachable without the gateway). */
  isOnLink(dst: u32): bool {
    return this.address != 0 && (dst & this.netmask) == (this.address & this.netmask);
  }

  /** The limited broadcast or this subnet's directed broadcast (RFC 919, RFC 922). */
  isBroadcast(dst: u32): bool {
    if (dst == IPV4_BROADCAST) return true;
    return this.address != 0 && this.prefixLength < 31 && dst == (this.address | ~this.netmask);
  }
}
