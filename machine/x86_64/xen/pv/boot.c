/* boot.c — from the Xen PV entry to the kernel: keep start_info, then bring
 * up the machine in dependency order (the console first, so that every later
 * failure is reported). */
#include "machine.h"

struct boot_info boot;
const struct start_info *start_info;
static char cmdline[sizeof start_info->cmd_line];

void boot_main(const struct start_info *si) {
  start_info = si;
  console_init();
  traps_init();
  if (strncmp(si->magic, "xen-3.0-x86_64", 14) != 0) {
    kprintf("crust: not a 64-bit Xen PV start info\n");
    power_off(EXIT_PANIC);
  }
  memcpy(cmdline, si->cmd_line, sizeof cmdline - 1);
  boot.cmdline = cmdline;
  shared_info_init();
  time_init();
  memory_init();
  events_init();
  kernel_run();
}

/* The rings the domain builder set up, named in start_info by machine frame. */
struct xen_ring console_ring(void) {
  return (struct xen_ring){mfn_to_virt(start_info->console_domU.mfn), start_info->console_domU.evtchn};
}

struct xen_ring store_ring(void) {
  return (struct xen_ring){mfn_to_virt(start_info->store_mfn), start_info->store_evtchn};
}
