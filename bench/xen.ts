// Xen benchmark (figures and ratios, not pass/fail): Crust's http-hello
// against the peer a TypeScript user would otherwise deploy, Debian's Linux
// kernel running Node.js (bench/peer, here as a Xen PV guest: netfront,
// console hvc0), both started by `xl create` in one boot of the Xen rig
// (tools/src/xen: Xen 4.17 + Debian dom0 under QEMU TCG), alternating.
// For each, as dom0 sees it:
//   xl create -> the guest's first console output (xenconsoled's log)
//   xl create -> the first HTTP response answered to dom0 across xenbr0
// and the image bytes (Crust's PV ELF; Linux's vmlinuz + initramfs).
// Both clocks start before `xl create`, so both include its vif hotplug
// scripts (seconds under TCG), the same for both guests.
// Usage: npm run bench:xen [-- ROUNDS]
import { statSync } from "node:fs";
import { loadavg } from "node:os";
import { build } from "../tools/src/pipeline/pipeline.js";
import { resolveApp } from "../tools/src/project.js";
import { runGuests, type GuestResult, type XenGuest } from "../tools/src/xen/run.js";
import { buildXenPeer } from "./peer/build.js";
import { median, table } from "./stats.js";

const ROUNDS = Math.max(1, Number(process.argv[2] ?? 2) || 2);
/** How long dom0 waits for a guest's first HTTP response. */
const HTTP_LIMIT_S = 180;
const CRUST_MIB = 32;
/** Debian's kernel unpacks a 100 MB initramfs into ramfs; the QEMU peer's
 *  smallest -m was 232 MiB (bench/peer/README.md). */
const LINUX_MIB = 320;

/** dom0's side of the measurement, started in the background the moment
 *  `xl create` returns (run.ts's afterCreate), so that nothing dom0 does
 *  with the guest's console delays it. A static neighbour entry, so that no
 *  ARP resolution paces the first packets; one busybox ping sending every
 *  0.2 s, read line by line until the first reply (busybox ping -c counts
 *  packets sent, not answered, so it cannot stop there by itself); then,
 *  with the guest's stack up, every SYN gets an answer at once: wget until
 *  the service answers (a closed port answers with a reset). Times are read
 *  with shell builtins and turned into seconds only at the end: a process
 *  start costs a few hundred ms under TCG. */
function measureHttp(ip: string, mac: string, stop: string): string {
  return `ip neigh replace ${ip} lladdr ${mac} dev xenbr0 nud permanent
read up rest </proc/uptime; deadline=$((\${up%.*} + ${HTTP_LIMIT_S}))
pinged=none; answered=none; : >/tmp/pinged
busybox ping -i 0.2 -w ${HTTP_LIMIT_S} ${ip} 2>/dev/null | while read line; do
  case "$line" in *" bytes from "*) read up rest </proc/uptime; echo "$up" >/tmp/pinged; break ;; esac
done
[ -s /tmp/pinged ] && read pinged </tmp/pinged
read up rest </proc/uptime
while [ "\${up%.*}" -lt $deadline ]; do
  if timeout 10 busybox wget -q -O /tmp/body http://${ip}/ 2>/dev/null; then read answered rest </proc/uptime; break; fi
  read up rest </proc/uptime
done
since() { [ "$1" = none ] && echo none || echo "$1 $t0" | awk '{printf "%.2f", $1 - $2}'; }
echo "first-ping=$(since $pinged)"
echo "first-http=$(since $answered) body=$(cat /tmp/body 2>/dev/null)"
${stop}`;
}

interface Measured {
  createdS: number | null;
  firstOutputS: number | null;
  firstPingS: number | null;
  firstHttpS: number | null;
  body: string;
}

function measured(r: GuestResult): Measured {
  const num = (re: RegExp) => {
    const m = re.exec(r.console);
    return m && /^[\d.]+$/.test(m[1]) ? Number(m[1]) : null;
  };
  return {
    createdS: r.createdS,
    firstOutputS: r.firstOutputS,
    firstPingS: num(/^dom0> first-ping=(\S+)/m),
    firstHttpS: num(/^dom0> first-http=(\S+)/m),
    body: /^dom0> first-http=\S+ body=(.*)$/m.exec(r.console)?.[1] ?? "",
  };
}

async function main() {
  const built = await build(resolveApp("examples/http-hello"), { target: "xen", debug: false, log: () => {} });
  const peer = await buildXenPeer();
  // Each guest its own address and MAC: an ended domain is kept with its vif
  // on the bridge, whose forwarding table would keep sending a reused MAC's
  // frames there (seen: 10 s until the second Crust answered a ping).
  const net = (kind: number, round: number) => ({
    ip: `169.254.${kind}.${round + 1}`,
    mac: `00:16:3e:00:${kind.toString(16).padStart(2, "0")}:${(round + 1).toString(16).padStart(2, "0")}`,
  });
  const guests: XenGuest[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const c = net(3, round);
    guests.push({
      image: built.image, name: "http-hello", memoryMiB: CRUST_MIB, network: true, mac: c.mac,
      cmdline: `ip=${c.ip}/16 --`,
      afterCreate: measureHttp(c.ip, c.mac, "xl shutdown $name"),
    });
    const l = net(4, round);
    guests.push({
      image: peer.kernel, ramdisk: peer.initrd, name: "linux-node", memoryMiB: LINUX_MIB, network: true, mac: l.mac,
      cmdline: peer.cmdline(`${l.ip}/16`),
      // node is PID 1 and ignores the toolstack's shutdown request.
      afterCreate: measureHttp(l.ip, l.mac, "xl destroy $name"),
    });
  }

  const t0 = performance.now();
  const results = await runGuests(guests, { timeoutMs: (120 + ROUNDS * 2 * (HTTP_LIMIT_S + 60)) * 1000 });
  const rigS = (performance.now() - t0) / 1000;

  const byName = new Map<string, Measured[]>([["Crust", []], ["Linux+Node", []]]);
  results.forEach((r, i) => {
    const who = i % 2 === 0 ? "Crust" : "Linux+Node";
    const m = measured(r);
    byName.get(who)!.push(m);
    const f = (x: number | null) => (x === null ? "none" : `${x.toFixed(2)} s`);
    console.log(`round ${(i >> 1) + 1} ${who}: xl create ${f(m.createdS)}, first output ${f(m.firstOutputS)}, ping ${f(m.firstPingS)}, ` +
      `HTTP ${f(m.firstHttpS)}${m.body ? ` (${JSON.stringify(m.body)})` : ""}`);
    if (m.firstHttpS === null) console.log(`  console tail:\n${r.console.split("\n").slice(-15).join("\n")}`);
  });

  const med = (who: string, k: keyof Omit<Measured, "body">) => {
    const xs = byName.get(who)!.map((m) => m[k]).filter((x): x is number => x !== null);
    return xs.length ? median(xs) : NaN;
  };
  /** The guest's own part: from the end of xl create (the domain runs) to the first HTTP response. */
  const own = (who: string) => {
    const xs = byName.get(who)!.flatMap((m) => (m.firstHttpS !== null && m.createdS !== null ? [m.firstHttpS - m.createdS] : []));
    return xs.length ? median(xs) : NaN;
  };
  const crustBytes = statSync(built.image).size;
  const linuxBytes = peer.bytes;
  const s = (x: number) => (Number.isNaN(x) ? "-" : x.toFixed(2));
  console.log(`\nXen benchmark: Xen 4.17 PV guests under QEMU TCG (nested), ${ROUNDS} round(s) in one rig boot ` +
    `(${rigS.toFixed(0)} s), medians; times from xl create, as dom0 sees them; host load average ${loadavg()[0].toFixed(1)}\n`);
  console.log(table(
    ["guest", "image bytes", "memory", "xl create s", "->first console s", "->ping s", "->first HTTP s", "running->HTTP s"],
    ([["Crust http-hello", "Crust", crustBytes, CRUST_MIB], ["Linux 6.1 + Node 18", "Linux+Node", linuxBytes, LINUX_MIB]] as const)
      .map(([label, who, bytes, mib]) => [label, bytes, `${mib} MiB`, s(med(who, "createdS")), s(med(who, "firstOutputS")),
        s(med(who, "firstPingS")), s(med(who, "firstHttpS")), s(own(who))]),
  ));
  const ratio = (k: keyof Omit<Measured, "body">) => (med("Linux+Node", k) / med("Crust", k)).toFixed(1);
  console.log(`\n"xl create s": how long xl create itself took (domain build, kernel and ramdisk load, vif hotplug);` +
    ` the next three count from its start; "running->HTTP s" from its end, when the guest starts running.`);
  console.log(`ratios (Linux / Crust): first console ${ratio("firstOutputS")}x, first HTTP ${ratio("firstHttpS")}x ` +
    `(running->HTTP ${(own("Linux+Node") / own("Crust")).toFixed(1)}x), ` +
    `image ${(linuxBytes / crustBytes).toFixed(0)}x (Linux: vmlinuz ${statSync(peer.kernel).size} + initramfs ${statSync(peer.initrd).size} bytes)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
