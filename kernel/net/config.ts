// Static IPv4 configuration from the kernel command line, the alternative to
// DHCP:  ip=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3
// ip= is required (the prefix defaults to /24 when left out); gw= and dns=
// are optional, and dns= may repeat or list servers separated by commas.
// Every value is validated before anything is applied: a bad one is an error
// that names the option, and the stack stays unconfigured rather than guess.
import { kernelOption, kernelOptionAll } from "../core/args";
import { parseDottedQuad } from "./dns";

export class StaticConfig {
  address: u32 = 0;
  prefixLength: i32 = 24;
  gateway: u32 = 0;
  dnsServers: u32[] = [];
  /** Why the options are invalid; "" when they are fine. */
  error: string = "";
}

/** The configuration the kernel options ask for, or null when there is no
 *  ip= option (then the stack runs DHCP). */
export function staticConfigFromOptions(): StaticConfig | null {
  const ip = kernelOption("ip");
  if (ip === null) return null;
  const gw = kernelOption("gw");
  return parseStaticConfig(ip, gw !== null ? gw : "", kernelOptionAll("dns"));
}

/** Parse the values of ip=, gw= and dns= (gw "" for none). */
export function parseStaticConfig(ip: string, gw: string, dns: string[]): StaticConfig {
  const c = new StaticConfig();
  const slash = ip.indexOf("/");
  const addr = parseDottedQuad(slash >= 0 ? ip.slice(0, slash) : ip);
  if (addr <= 0) { c.error = "ip=" + ip + ": expected an address such as 10.0.2.15/24"; return c; }
  c.address = <u32>addr;
  if (slash >= 0) {
    const p = ip.slice(slash + 1);
    const n = parseDecimal(p);
    if (n < 1 || n > 32) { c.error = "ip=" + ip + ": the prefix length must be 1 to 32"; return c; }
    c.prefixLength = n;
  }
  if (gw.length > 0) {
    const g = parseDottedQuad(gw);
    if (g <= 0) { c.error = "gw=" + gw + ": expected an address such as 10.0.2.2"; return c; }
    c.gateway = <u32>g;
  }
  for (let i = 0; i < dns.length; i++) {
    const list = dns[i].split(",");
    for (let k = 0; k < list.length; k++) {
      const d = parseDottedQuad(list[k]);
      if (d <= 0) { c.error = "dns=" + dns[i] + ": expected addresses such as 10.0.2.3"; return c; }
      c.dnsServers.push(<u32>d);
    }
  }
  return c;
}

/** A decimal number of at most 9 digits, or -1. */
function parseDecimal(s: string): i32 {
  if (s.length == 0 || s.length > 9) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}
