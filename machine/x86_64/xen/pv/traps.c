/* traps.c — exceptions under Xen PV. The guest has no IDT: it gives Xen the
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

/* Events stay masked from boot on (memory.c); nothing more to turn off. */
void interrupts_off(void) {
  if (shared_info) shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
}

/* Only the exception vectors are in the trap table: events come through
 * event channels, never as vectors. */
void irq_handle(unsigned vector) { (void)vector; }
