/* stack.S — what both boot entries (pvh/pvh.S, xen/pv/entry.S) set up first:
 * the time stamp of the first instruction, and the boot stack, on which the
 * whole system runs, with a guard page below it that each platform leaves
 * unmapped so that an overflow faults instead of corrupting .bss. */
#include "layout.h"

.section .data
.globl tsc_at_entry
.p2align 3
tsc_at_entry:
  .quad 0

.section .bss
.p2align 12
.globl stack_guard, boot_stack_top
stack_guard:
  .skip PAGE_SIZE
  .skip BOOT_STACK_SIZE
boot_stack_top:
