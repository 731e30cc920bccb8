/* isr.S — interrupt and exception entry stubs (Intel SDM vol. 3 §6.12).
 * Each stub makes the stack look the same — vector and error code (0 when the
 * CPU pushes none) on top of the CPU's frame — saves the general registers and
 * calls trap_dispatch(struct trap_frame *) in trap.c. A platform whose
 * hypervisor pushes more than the CPU would (Xen PV: %rcx and %r11 on top)
 * undoes that first, in TRAP_ENTRY_PROLOGUE (platform.h). */
#include "platform.h"

.macro SAVE_AND_DISPATCH
  pushq %rax; pushq %rbx; pushq %rcx; pushq %rdx
  pushq %rsi; pushq %rdi; pushq %rbp; pushq %r8
  pushq %r9; pushq %r10; pushq %r11; pushq %r12
  pushq %r13; pushq %r14; pushq %r15
  movq %rsp, %rdi
  /* Align the stack for the C call: the CPU aligned it to 16 before its push. */
  movq %rsp, %rbx
  andq $-16, %rsp
  cld
  call trap_dispatch
  movq %rbx, %rsp
  popq %r15; popq %r14; popq %r13; popq %r12
  popq %r11; popq %r10; popq %r9; popq %r8
  popq %rbp; popq %rdi; popq %rsi; popq %rdx
  popq %rcx; popq %rbx; popq %rax
  addq $16, %rsp               /* vector and error code */
  iretq
.endm

/* Vectors whose exceptions push an error code: SDM vol. 3 table 6-1. Each
 * stub also appends its address to isr_table, which cpu.c builds the IDT from. */
.macro STUB n
  .section .text
  .p2align 4
1:
  TRAP_ENTRY_PROLOGUE
  .if (\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
  .else
  pushq $0
  .endif
  pushq $\n
  jmp isr_common
  .section .rodata.isr_table, "a"
  .quad 1b
.endm

.section .text
isr_common:
  SAVE_AND_DISPATCH

.section .rodata.isr_table, "a"
.p2align 3
.globl isr_table
isr_table:

.altmacro
.set n, 0
.rept 256
  STUB %n
  .set n, n + 1
.endr
