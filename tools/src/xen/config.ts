// crust.xl: the xl domain configuration written beside a xen build's
// crust.elf (xl.cfg(5)). On a Xen host: `cd <app>/build/xen && xl create crust.xl`.

/** xl's name rule: letters, digits and - _ . only. */
export function domainName(appName: string): string {
  return `crust-${appName.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
}

export interface XlOptions {
  /** MiB of guest memory. */
  memoryMiB?: number;
  /** The guest command line (kernel options, then -- and the app's words). */
  cmdline?: string;
  /** One network interface, e.g. "bridge=xenbr0" (xl-network-configuration(5)). */
  vif?: string;
  /** The guest type the image was built for (crust build --mode). */
  mode?: "pv" | "pvh";
}

const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

export function xlConfig(appName: string, opts: XlOptions = {}): string {
  const pvh = opts.mode === "pvh";
  const lines = [
    `# Crust guest ${appName}: a Xen ${pvh ? "PVH" : "PV"} domain. Start it with: xl create crust.xl`,
    `name = ${quote(domainName(appName))}`,
    `type = ${quote(pvh ? "pvh" : "pv")}`,
    // "native": RDTSC is never emulated. The clocks read the TSC at every
    // clock read, scaled by the rate Xen publishes; emulated (xl's default
    // when Xen cannot vouch for the host's TSC), each read traps into Xen.
    ...(pvh ? [`tsc_mode = "native"`] : []),
    `kernel = "crust.elf"`,
    `memory = ${opts.memoryMiB ?? 64}`,
    `vcpus = 1`,
    `# The guest powers off when its app ends (exit code 0) and crashes on any`,
    `# other exit code; the code itself is in xenstore: data/crust-exit-code.`,
    `on_poweroff = "destroy"`,
    `on_reboot = "destroy"`,
    `on_crash = "destroy"`,
  ];
  if (opts.cmdline !== undefined) lines.push(`extra = ${quote(opts.cmdline)}`);
  if (opts.vif !== undefined) lines.push(`vif = [ ${quote(opts.vif)} ]`);
  return lines.join("\n") + "\n";
}
