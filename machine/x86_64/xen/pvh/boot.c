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
  events_init();
  kernel_run();
}

/* Event upcalls come as XEN_UPCALL_VECTOR through the IDT (pvh/cpu.c gives
 * every vector a gate to isr.S): hvm/params.h, HVM_PARAM_CALLBACK_IRQ of
 * type HVM_PARAM_CALLBACK_TYPE_VECTOR. Xen injects the vector while
 * evtchn_upcall_pending is set and RFLAGS.IF allows, straight into the vCPU,
 * not through the local APIC: nothing to acknowledge, and clearing
 * evtchn_upcall_pending (evtchn_collect does it first) stops it. The domain
 * has no other interrupt source (no local APIC timer, no emulated devices). */
long upcalls_init(void) {
  struct xen_hvm_param p = {.domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
                            .value = HVM_PARAM_CALLBACK_TYPE_VECTOR << HVM_PARAM_CALLBACK_TYPE_SHIFT | XEN_UPCALL_VECTOR};
  return hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint64_t)&p, 0, 0);
}

void irq_handle(unsigned vector) {
  if (vector == XEN_UPCALL_VECTOR) evtchn_collect();
}

/* Interrupts are enabled only here, as on the qemu target (pc/time.c): sti
 * takes effect after the next instruction (SDM vol. 2, STI), so an upcall
 * pending since the caller's check is taken at the HLT, not before it. Xen
 * runs a PVH guest's HLT as SCHEDOP_block (xen/arch/x86/hvm/hvm.c,
 * hvm_hlt), which does not sleep while an interrupt is deliverable. The
 * clobbers keep no SSE value live across it: isr.S saves general registers
 * only. PV's evtchn_upcall_mask does not gate HVM upcalls; RFLAGS.IF does. */
void events_block(void) {
  __asm__ volatile("sti; hlt; cli" ::: "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
                   "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}
