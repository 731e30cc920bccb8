/* upcall.S — the PV event callback: where Xen enters the guest to deliver an
 * event upcall (registered with CALLBACKOP_register, CALLBACKTYPE_event:
 * xen/include/public/callback.h; traps.c). Xen enters it like an exception
 * handler, on the current stack, with %rcx and %r11 pushed on top of an
 * iret frame (arch-x86/xen-x86_64.h, "Exception frames") and upcalls masked
 * (vcpu_info.evtchn_upcall_mask set; the frame's RFLAGS.IF is the mask as
 * it was, clear = masked). It runs only inside events_block(), the one
 * place upcalls are unmasked, and does nothing but evtchn_collect()
 * (events.c): record which ports fired.
 *
 * It returns with HYPERVISOR_iret (xen-x86_64.h): the guest jumps to the
 * hypercall page's iret stub with flags on top of the iret frame; the stub
 * pushes %rcx, %r11 and %rax to make a struct iret_context. With flags 0
 * (not VGCF_in_syscall) Xen restores RAX, R11, RCX, CS:RIP, RFLAGS, SS:RSP,
 * and sets evtchn_upcall_mask from the saved RFLAGS.IF (xen/arch/x86/pv/
 * iret.c): unmasked again, so an event that came while the handler ran is
 * delivered at once. */
#include "xen.h"

.section .text
.p2align 4
.globl event_callback
event_callback:
  popq %rcx                    /* Xen's two words: the interrupted %rcx, %r11 */
  popq %r11
  /* The call clobbers the caller-saved registers; %rbx holds the stack. */
  pushq %rax; pushq %rcx; pushq %rdx; pushq %rsi; pushq %rdi
  pushq %r8; pushq %r9; pushq %r10; pushq %r11; pushq %rbx
  movq %rsp, %rbx
  andq $-16, %rsp
  cld
  call evtchn_collect
  movq %rbx, %rsp
  popq %rbx; popq %r11; popq %r10; popq %r9; popq %r8
  popq %rdi; popq %rsi; popq %rdx; popq %rcx; popq %rax
  pushq $0                     /* iret_context.flags */
  jmp hypercall_page + __HYPERVISOR_iret * 32
