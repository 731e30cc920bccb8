/* boot.c — from the PVH entry (pvh/pvh.S) to the kernel in a Xen PVH
 * domain. The hypercall page comes first: every later step, reporting a
 * failure included, talks to Xen. The console ring can be written only once
 * paging_init has mapped the low 4 GiB (the toolstack's ring pages lie near
 * 4 GiB, above pvh.S's boot map), so a bad start info ends the domain
 * (a crash) without a message. */
#include "machine.h"

void boot_main(const struct hvm_start_info *si) {
  hypercall_page_init();
  read_start_info(si);
  paging_init();
  rings_init();
  console_init();
  cpu_init();
  shared_info_init();
  time_init();
  kernel_run();
}

/* No vector but the exceptions ever fires: the guest sets up no event
 * callback (HVM_PARAM_CALLBACK_IRQ) and no local APIC timer, and runs with
 * interrupts off; wait() sleeps in SCHEDOP_poll as PV does (xen/time.c). */
void irq_handle(unsigned vector) { (void)vector; }
