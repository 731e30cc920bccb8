/* hypercall_page.S — the page Xen fills with one 32-byte stub per hypercall
 * (xen.h, "hypercall page"): at domain build time for a PV guest (the
 * XEN_ELFNOTE_HYPERCALL_PAGE note, xen/pv/entry.S), when the guest writes the
 * page's address to Xen's MSR for an HVM/PVH guest (arch-x86/cpuid.h, leaf
 * 3; xen/pvh/hvm.c). The stubs use the instruction this CPU and mode need
 * (syscall, vmcall or vmmcall), so callers never care which. */
#include "layout.h"

.section .text.hypercall_page, "ax"
.p2align 12
.globl hypercall_page
hypercall_page:
  .skip PAGE_SIZE
