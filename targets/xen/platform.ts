// The xen target's platform: started by the generated entry after the kernel
// has booted and before the app's main. The console, clocks and power-off
// are the machine layer's (machine/x86_64/xen); here the xenstore client
// starts, and the domain introduces itself from xenstore.
import * as log from "crust/core/log";
import { XS_ERROR, XenStoreReply, startXenStore, xenstore } from "./xenstore";

/** Logs "domain <name> (id <domid>)" once both reads are answered. */
class Introduction extends XenStoreReply {
  values: string[] = [];

  onReply(type: u32, value: string): void {
    this.values.push(type == XS_ERROR ? "?" : value);
    if (this.values.length == 2) log.info("xen", "domain " + this.values[0] + " (id " + this.values[1] + ")");
  }
}

export function startPlatform(): void {
  startXenStore();
  const intro = new Introduction();
  if (!xenstore.read("name", intro) || !xenstore.read("domid", intro)) log.warn("xen", "the xenstore ring is full");
}
