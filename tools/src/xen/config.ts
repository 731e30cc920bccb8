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
}

const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

export function xlConfig(appName: string, opts: XlOptions = {}): string {
  const lines = [
    `# Crust guest ${appName}: a Xen PV domain. Start it with: xl create crust.xl`,
    `name = ${quote(domainName(appName))}`,
    `type = "pv"`,
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
