/* trap.h — the register frame isr.S builds, and the trap-side helpers. */
#ifndef CRUST_TRAP_H
#define CRUST_TRAP_H
#include <stdint.h>

/* In the reverse order of isr.S's pushes, then what the CPU pushed. */
struct trap_frame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, error;
  uint64_t rip, cs, rflags, rsp, ss;
};

void trap_dispatch(struct trap_frame *f);
void irq_handle(unsigned vector);
void symbolize_line(uint64_t pc);

#endif
