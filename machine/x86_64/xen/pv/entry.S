/* entry.S — the Xen PV entry: the ELF notes that tell Xen's domain builder
 * how to load this image (xen/include/public/elfnote.h), among them where
 * Xen is to write the hypercall page (xen/hypercall_page.S), and the first
 * instructions.
 *
 * Xen enters a 64-bit PV guest in long mode, in ring 3, on page tables it
 * built: the image, then the P2M list, start_info, the xenstore and console
 * ring pages, the page tables and a small stack, mapped at VIRT_BASE +
 * pseudo-physical address (xen.h, "start of day" layout), with %rsi = the
 * virtual address of start_info. VIRT_BASE and PADDR_OFFSET are 0, so virtual
 * = pseudo-physical, and the image sits at 1 MiB as on the qemu target (the
 * same crust.ld links both). */
#include "layout.h"
#include "xen.h"

.macro ELFNOTE type, desc:vararg
  .pushsection .note.crust.xen, "a", @note
  .p2align 2
  .long 4                      /* namesz: "Xen\0" */
  .long 2f - 1f                /* descsz */
  .long \type
  .asciz "Xen"
  .p2align 2
1:\desc
2:.p2align 2
  .popsection
.endm

ELFNOTE XEN_ELFNOTE_GUEST_OS, .asciz "Crust"
ELFNOTE XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0"
ELFNOTE XEN_ELFNOTE_LOADER, .asciz "generic"
ELFNOTE XEN_ELFNOTE_VIRT_BASE, .quad 0
ELFNOTE XEN_ELFNOTE_PADDR_OFFSET, .quad 0
ELFNOTE XEN_ELFNOTE_ENTRY, .quad _start
ELFNOTE XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page

.section .text.boot, "ax"
.globl _start
_start:
  .cfi_startproc
  .cfi_undefined rip           /* the outermost frame: debuggers stop here */
  rdtsc                        /* time stamp of entry, for the boot time */
  movl %eax, tsc_at_entry(%rip)
  movl %edx, tsc_at_entry + 4(%rip)
  cld
  movq %rsi, %rdi              /* start_info, boot_main's argument */
  leaq boot_stack_top(%rip), %rsp
  xorl %ebp, %ebp              /* terminates backtraces */
  call boot_main
1:jmp 1b                       /* boot_main ends in SCHEDOP_shutdown */
  .cfi_endproc
