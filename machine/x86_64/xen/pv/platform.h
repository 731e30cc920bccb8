/* platform.h (xen/pv) — what the Xen PV platform's files offer each other. A
 * 64-bit PV guest runs in ring 3 on page tables that Xen validates: it asks
 * Xen (hypercalls) for everything privileged — page-table updates, trap
 * entry points, sleeping, shutting down. The shared files see this through
 * machine.h; isr.S includes it for TRAP_ENTRY_PROLOGUE. The services it
 * shares with PVH are in xen/ (guest.h). */
#ifndef CRUST_PLATFORM_H
#define CRUST_PLATFORM_H
#include "guest.h"

/* Xen bounces an exception to the guest with %rcx and %r11 pushed on top of
 * the CPU's frame (xen/include/public/arch-x86/xen-x86_64.h, "Exception
 * frames"); popping them leaves the native layout that isr.S expects. */
#define TRAP_ENTRY_PROLOGUE popq %rcx; popq %r11

#ifndef __ASSEMBLER__
extern const struct start_info *start_info;

/* memory.c: frame numbers. The guest's pseudo-physical page n is mapped at
 * virtual address n * 4096 (VIRT_BASE 0); Xen wants machine frames. */
uint64_t pfn_to_mfn(uint64_t pfn);
void *mfn_to_virt(uint64_t mfn);
void memory_init(void);
/* traps.c */
void traps_init(void);
#endif
#endif
