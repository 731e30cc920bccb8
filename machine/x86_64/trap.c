/* trap.c — where every interrupt and exception lands (from isr.S).
 * CPU exceptions are fatal: Crust has no user mode and no demand paging, so an
 * exception is a bug, reported with registers and a backtrace. Device and
 * timer interrupts only wake the CPU from wait(); their work is done by the
 * kernel's event loop, which asks irq.c which lines fired. */
#include "machine.h"
#include "trap.h"

/* Intel SDM vol. 3 table 6-1. */
static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
    "#MC machine check", "#XM SIMD exception", "#VE virtualization",
    "#CP control protection", "reserved", "reserved", "reserved", "reserved",
    "reserved", "reserved", "#HV hypervisor injection", "#VC VMM communication",
    "#SX security", "reserved"};

static void report_exception(const struct trap_frame *f) {
  uint64_t cr2 = fault_address();
  kprintf("\ncrust: CPU exception %u (%s), error code 0x%lx\n", (unsigned)f->vector,
          exception_names[f->vector], f->error);
  if (f->vector == 14)
    kprintf("  fault address 0x%lx (%s %s)\n", cr2, (f->error & 2) ? "write" : "read",
            (f->error & 1) ? "protection violation" : "not mapped");
  kprintf("  rip %016lx rsp %016lx rflags %016lx\n", f->rip, f->rsp, f->rflags);
  kprintf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
  kprintf("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
  kprintf("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
  kprintf("  r13 %016lx r14 %016lx r15 %016lx\n", f->r13, f->r14, f->r15);
  kprintf("backtrace:\n");
  symbolize_line(f->rip);
}

/* A fault inside the linear memory's window is the sandbox at work: the
 * kernel accessed wasm memory out of bounds (see pvh/paging.c). */
static bool wasm_out_of_bounds(const struct trap_frame *f) {
  uint64_t offset = fault_address() - linear_memory_base();
  if (f->vector != 14 || offset >= LINEAR_MEMORY_WINDOW) return false;
  kprintf("\ncrust: wasm trap: out-of-bounds memory access at offset 0x%lx\nbacktrace:\n", offset);
  symbolize_line(f->rip);
  return true;
}

void trap_dispatch(struct trap_frame *f) {
  if (wasm_out_of_bounds(f)) crash(EXIT_WASM_TRAP, NULL, f->rbp);
  if (f->vector < 32) {
    report_exception(f);
    crash(EXIT_CPU_FAULT, NULL, f->rbp);
  }
  irq_handle((unsigned)f->vector);
}
