/* platform.h (xen/pvh) — a Xen PVH domain: the PVH boot of the qemu target
 * (pvh/: entry, start info, page tables, descriptor tables), with the Xen
 * services that PV guests use too (xen/: console ring, xenstore, events,
 * grants, clocks, shutdown). A PVH domain is an HVM container without
 * emulated devices: no serial port, PIT, RTC or isa-debug-exit, so nothing
 * of pc/ applies. It finds what PV finds in start_info through CPUID, an
 * MSR and HVM params instead (hvm.c), and names pages by their guest frame
 * (gfn = pfn: Xen translates). */
#ifndef CRUST_PLATFORM_H
#define CRUST_PLATFORM_H
#include "pvh.h"
#include "guest.h"

/* The IDT vector of event upcalls (boot.c); any vector above the exceptions. */
#define XEN_UPCALL_VECTOR 0xf3

#ifndef __ASSEMBLER__
/* hvm.c */
void hypercall_page_init(void);
void rings_init(void);
#endif
#endif
