// Boot of the library OS, common to every target: read the command line, set
// the log level, seed entropy. Drivers are started by the target's platform
// module afterwards; the app's main runs last.
import { parseCommandLine, readPlatformCommandLine, kernelOption } from "./args";
import { monotonicNs, formatMs } from "./clock";
import { seedEntropy } from "./entropy";
import * as log from "./log";

export function boot(): void {
  parseCommandLine(readPlatformCommandLine());
  const level = kernelOption("log");
  if (level !== null) {
    const l = log.parseLevel(level);
    if (l >= 0) log.setLevel(<log.Level>l);
    else log.warn("boot", "unknown log level '" + level + "', keeping info");
  }
  seedEntropy();
}

/** Logged just before the app's main: the guest's own view of boot time. */
export function reportBootTime(): void {
  log.debug("boot", "main reached " + formatMs(monotonicNs()) + " after entry");
}
