// The xen target's platform: started by the generated entry after the kernel
// has booted and before the app's main. Clocks and power-off are the machine
// layer's (machine/x86_64/xen); here the console ring driver takes over the
// kernel's console (console.ts), the xenstore client starts, the domain introduces itself from xenstore, its vif (if any) is
// connected (netfront.ts), and the guest follows
// the toolstack's shutdown requests (`xl shutdown`: control/shutdown, as in
// Xen's docs/misc/xenstore-paths.pandoc).
import * as log from "crust/core/log";
import { exit } from "crust/core/loop";
import { XS_ERROR, XenStoreReply, XenStoreWatch, startXenStore, xenstore } from "./xenstore";
import { startNetfront } from "./netfront";
import { startConsole } from "./console";

const SHUTDOWN_PATH = "control/shutdown";

/** Logs "domain <name> (id <domid>)" once both reads are answered. */
class Introduction extends XenStoreReply {
  values: string[] = [];

  onReply(type: u32, value: string): void {
    this.values.push(type == XS_ERROR ? "?" : value);
    if (this.values.length == 2) log.info("xen", "domain " + this.values[0] + " (id " + this.values[1] + ")");
  }
}

/** control/shutdown changed: read what the toolstack asks for. */
class ShutdownWatch extends XenStoreWatch {
  onChange(path: string): void {
    xenstore.read(SHUTDOWN_PATH, new ShutdownRequest());
  }
}

/** "poweroff", "halt" or "reboot": acknowledge (write "") and end with exit
 *  code 0 — the app had no say, so nothing failed; crust.xl destroys the
 *  domain on reboot too. "suspend" is not supported. */
class ShutdownRequest extends XenStoreReply {
  onReply(type: u32, value: string): void {
    if (type == XS_ERROR || value.length == 0) return;
    if (value != "poweroff" && value != "halt" && value != "reboot") {
      log.warn("xen", "the toolstack asks for '" + value + "', which this guest does not support");
      return;
    }
    log.info("xen", "the toolstack asks for " + value);
    xenstore.write(SHUTDOWN_PATH, "");
    exit(0);
  }
}

export function startPlatform(): void {
  startConsole();
  startXenStore();
  const intro = new Introduction();
  if (!xenstore.read("name", intro) || !xenstore.read("domid", intro) || !xenstore.watch(SHUTDOWN_PATH, new ShutdownWatch()))
    log.warn("xen", "the xenstore ring is full");
  startNetfront();
}
