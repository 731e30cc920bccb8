// Static configuration from kernel options, the counters' report, and
// startNetwork() without a NIC (unit tests run without one).
import "crust";
import { parseStaticConfig } from "crust/net/config";
import { NetCounter, NetCounters, formatCounters, counterName } from "crust/net/counters";
import { startNetwork, network } from "crust/net/stack";
import { maskToPrefix } from "crust/net/dhcp";
import { ipv4 } from "crust/net/wire/ipv4";

function staticConfig(): void {
  let c = parseStaticConfig("10.0.2.15/24", "10.0.2.2", ["10.0.2.3"]);
  assert(c.error == "", c.error);
  assert(c.address == ipv4(10, 0, 2, 15) && c.prefixLength == 24 && c.gateway == ipv4(10, 0, 2, 2), "ip and gw");
  assert(c.dnsServers.length == 1 && c.dnsServers[0] == ipv4(10, 0, 2, 3), "dns");
  c = parseStaticConfig("192.168.1.9", "", ["1.1.1.1,8.8.8.8", "9.9.9.9"]);
  assert(c.error == "" && c.prefixLength == 24 && c.gateway == 0, "defaults: /24, no gateway");
  assert(c.dnsServers.length == 3 && c.dnsServers[2] == ipv4(9, 9, 9, 9), "dns lists and repeats");
  assert(parseStaticConfig("10.0.2.15/33", "", []).error.includes("prefix"), "prefix too long");
  assert(parseStaticConfig("10.0.2.15/", "", []).error.length > 0, "empty prefix");
  assert(parseStaticConfig("10.0.2/24", "", []).error.startsWith("ip="), "three octets");
  assert(parseStaticConfig("0.0.0.0/8", "", []).error.length > 0, "the unspecified address");
  assert(parseStaticConfig("10.0.2.15/24", "gateway", []).error.startsWith("gw="), "bad gateway");
  assert(parseStaticConfig("10.0.2.15/24", "", ["10.0.2.3,"]).error.startsWith("dns="), "trailing comma");
}

function counters(): void {
  const c = new NetCounters();
  assert(formatCounters(c) == "", "all zero: nothing");
  c.inc(NetCounter.IpIn);
  c.inc(NetCounter.IpIn);
  c.inc(NetCounter.IpFragment);
  c.inc(NetCounter.UdpNoPort);
  const text = formatCounters(c);
  assert(text == "ip.in=2 ip.drop.fragment=1\nudp.drop.no_port=1\n", "report: " + text);
  // Every counter has a name of the form layer.name.
  for (let i = 0; i < NetCounter.Count; i++) assert(counterName(<NetCounter>i).indexOf(".") > 0, "named");
  assert(maskToPrefix(0xffffff00) == 24 && maskToPrefix(0) == 0 && maskToPrefix(0xffffffff) == 32, "masks");
}

export function main(args: string[]): void {
  staticConfig();
  counters();
  // No NIC here: the stack says so and stays off.
  assert(startNetwork() === null && network() === null, "no NIC, no network");
}
