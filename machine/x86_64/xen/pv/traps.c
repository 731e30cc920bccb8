/* traps.c — exceptions and event upcalls under Xen PV. The guest has no IDT: it gives Xen the
 * entry point of each exception vector (HYPERVISOR_set_trap_table), and Xen
 * bounces exceptions there, onto the current stack. The entry stubs are the
 * shared isr.S ones (with TRAP_ENTRY_PROLOGUE), so an exception prints the
 * same report as on the qemu target. Xen has no stack switch for a PV
 * kernel (no IST): a stack overflow into the guard page leaves Xen nowhere to
 * put the frame, and it crashes the domain itself, without a report. */
#include "machine.h"
#include "trap.h"

#define EXCEPTIONS 32

extern const uint64_t isr_table[256];
static struct trap_info trap_table[EXCEPTIONS + 1]; /* address 0 ends it */

void traps_init(void) {
  for (unsigned v = 0; v < EXCEPTIONS; v++)
    trap_table[v] = (struct trap_info){.vector = (uint8_t)v, .flags = TI_MASK_EVENTS, .cs = FLAT_KERNEL_CS,
                                       .address = isr_table[v]};
  hypercall(__HYPERVISOR_set_trap_table, (uint64_t)trap_table, 0, 0, 0);
  /* Compiled code uses SSE: clear the virtual CR0.TS that would trap it. */
  hypercall(__HYPERVISOR_fpu_taskswitch, 0, 0, 0, 0);
}

/* Xen stores a page fault's address in vcpu_info (arch-x86/xen-x86_64.h). */
uint64_t fault_address(void) { return shared_info ? shared_info->vcpu_info[0].cr2 : 0; }

/* Upcalls are masked from boot on (memory.c) and outside events_block. */
void interrupts_off(void) {
  if (shared_info) shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
}

/* Only the exception vectors are in the trap table: events come through
 * the event callback (upcall.S), never as vectors. */
void irq_handle(unsigned vector) { (void)vector; }

/* callback.h: CALLBACKOP_register, CALLBACKTYPE_event. */
long upcalls_init(void) {
  extern char event_callback[];
  struct callback_register cb = {.type = CALLBACKTYPE_event, .address = (uint64_t)event_callback};
  return hypercall(__HYPERVISOR_callback_op, CALLBACKOP_register, (uint64_t)&cb, 0, 0);
}

/* sched.h: SCHEDOP_block, called with upcalls masked, unmasks them, and
 * blocks unless evtchn_upcall_pending is set, atomically. Xen delivers the
 * upcall as the hypercall returns (event_callback runs, then iret brings
 * the guest back here); the mask is set again before anything else runs.
 * One asm statement, so that the compiler keeps no SSE register live where
 * the handler may run: it saves general registers only. */
void events_block(void) {
  register uint64_t cmd __asm__("rdi") = SCHEDOP_block, arg __asm__("rsi") = 0;
  volatile uint8_t *mask = &shared_info->vcpu_info[0].evtchn_upcall_mask;
  long ret;
  __asm__ volatile("call *%[entry]\n\tmovb $1, (%[mask])"
                   : "=&a"(ret), "+D"(cmd), "+S"(arg)
                   : [entry] "r"(hypercall_page + __HYPERVISOR_sched_op * 32), [mask] "r"(mask)
                   : "memory", "rcx", "rdx", "r8", "r9", "r10", "r11", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
                     "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
  (void)ret;
}
