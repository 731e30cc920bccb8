/* pvh.S — the PVH boot entry: 32-bit protected mode to 64-bit long mode.
 *
 * Xen's PVH boot ABI (xen/include/public/arch-x86/hvm/start_info.h, also used
 * by QEMU -kernel and Firecracker) enters at the address in the
 * XEN_ELFNOTE_PHYS32_ENTRY note with paging off, flat 32-bit segments and
 * %ebx = physical address of struct hvm_start_info. We switch to long mode on
 * a boot identity map of the first 1 GiB (2 MiB pages); paging.c then builds
 * the real page tables with per-section permissions. */
#include "layout.h"

/* xen/include/public/elfnote.h */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

.section .note.crust.pvh, "a", @note
  .p2align 2
  .long 4                      /* namesz: "Xen\0" */
  .long 4                      /* descsz */
  .long XEN_ELFNOTE_PHYS32_ENTRY
  .asciz "Xen"
  .long _start

.section .text.boot, "ax"
.code32
.globl _start
_start:
  cli
  /* Time stamp of entry, for the guest-side boot time. */
  rdtsc
  movl %eax, tsc_at_entry
  movl %edx, tsc_at_entry + 4
  movl %ebx, %edi              /* start_info, becomes boot_main's argument */
  movl $boot_stack_top, %esp

  /* Boot identity map, built here so the tables cost no bytes in the image:
   * PML4[0] -> PDPT[0] -> PD with 512 x 2 MiB pages (the first GiB). */
  movl $(boot_pdpt + (PTE_P | PTE_W)), boot_pml4
  movl $(boot_pd + (PTE_P | PTE_W)), boot_pdpt
  xorl %ecx, %ecx
1:movl %ecx, %eax
  shll $21, %eax
  orl $(PTE_P | PTE_W | PTE_PS), %eax
  movl %eax, boot_pd(, %ecx, 8)
  incl %ecx
  cmpl $512, %ecx
  jne 1b

  lgdt boot_gdt_ptr
  /* Intel SDM vol. 3 §9.8.5: PAE, then CR3, then EFER.LME, then CR0.PG. */
  movl %cr4, %eax
  orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
  movl %eax, %cr4
  movl $boot_pml4, %eax
  movl %eax, %cr3
  movl $MSR_EFER, %ecx
  rdmsr
  orl $(EFER_LME | EFER_NXE), %eax
  wrmsr
  movl %cr0, %eax
  andl $~CR0_EM, %eax          /* SSE is used by compiled code: no FPU emulation */
  orl $(CR0_PG | CR0_WP | CR0_PE | CR0_MP), %eax
  movl %eax, %cr0
  ljmp $GDT_CODE64, $long_mode

.code64
long_mode:
  .cfi_startproc
  .cfi_undefined rip           /* the outermost frame: debuggers stop here */
  movw $GDT_DATA, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  movw %ax, %fs
  movw %ax, %gs
  movl %edi, %edi              /* zero-extend start_info */
  movabsq $boot_stack_top, %rsp
  xorl %ebp, %ebp              /* terminates backtraces */
  call boot_main
1:hlt
  jmp 1b
  .cfi_endproc

.section .data
.p2align 3
boot_gdt:
  .quad 0
  .quad 0x00af9a000000ffff     /* GDT_CODE64: present, DPL0, code, L=1 */
  .quad 0x00cf92000000ffff     /* GDT_DATA: present, DPL0, data, 4 GiB */
boot_gdt_end:
boot_gdt_ptr:
  .word boot_gdt_end - boot_gdt - 1
  .long boot_gdt

/* The boot page tables (zero-filled: .bss) and the boot stack, with an
 * unmapped guard page below it (see paging.c). */
.section .bss
.p2align 12
boot_pml4:
  .skip PAGE_SIZE
boot_pdpt:
  .skip PAGE_SIZE
boot_pd:
  .skip PAGE_SIZE
