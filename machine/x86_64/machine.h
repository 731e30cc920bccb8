/* machine.h — what the machine layer's files offer each other. Nothing here is
 * seen by the kernel: the kernel's only way out is the import table in
 * imports.c (documented in kernel/boundary.ts). */
#ifndef CRUST_MACHINE_H
#define CRUST_MACHINE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Exit codes of the guest, reported by crust as its own exit code. Apps own
 * 0..99; these mark the three ways the system itself can fail. */
#define EXIT_PANIC 100     /* a kernel invariant broke (panic, abort, assert) */
#define EXIT_WASM_TRAP 101 /* the sandbox caught a fault: OOB, unreachable ... */
#define EXIT_CPU_FAULT 102 /* a CPU exception in machine or compiled code */

#define NORETURN __attribute__((noreturn))

/* What boot learned from the loader. */
struct boot_info {
  const char *cmdline;
  uint64_t ram_top;     /* end of the RAM region that holds the image */
  uint64_t rsdp;        /* ACPI RSDP physical address, 0 if unknown (PVH) */
};
extern struct boot_info boot;

static inline uint64_t rdtsc(void) { uint32_t lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((uint64_t)hi << 32) | lo; }
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) {
  __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

/* stack.S: the TSC at the first instruction of boot (written by the entry). */
extern uint64_t tsc_at_entry;

/* What every platform (its folders: pc/ on pvh/, xen/pv/ or xen/pvh/ on
 * xen/) provides to the shared files. */
/* The console: polled, usable before anything else and inside crash paths. */
void console_write(const char *s, size_t n);
/* The wasm linear memory: where it starts and how far it may grow, and
 * making its first `bytes` accessible (mapped on demand, behind an unmapped
 * guard window). */
uint64_t linear_memory_base(void);
uint64_t linear_memory_limit(void);
void linear_memory_commit(uint64_t bytes);
/* Accesses up to this far above linear_memory_base() are wasm accesses: a
 * 32-bit address plus a 32-bit offset. */
#define LINEAR_MEMORY_WINDOW (8ull << 30)
/* Clocks (nanoseconds) and the only place the CPU sleeps. */
uint64_t monotonic_ns(void);
int64_t wall_ns(void);
void wait_until(uint64_t deadline_ns);
/* Stop taking interrupts/events: the crash path must not be interrupted. */
void interrupts_off(void);
/* The address a page fault was reported for (CR2). */
uint64_t fault_address(void);
/* End the guest with an exit code. */
NORETURN void power_off(int code);

/* print.c */
void kprintf(const char *fmt, ...);
void kvprintf(const char *fmt, va_list ap);
/* crash.c */
NORETURN void crash(int code, const char *what, uint64_t rbp);
void backtrace(uint64_t rbp);
/* kernel.c */
NORETURN void kernel_run(void);
#include "platform.h" /* the platform's own declarations (its most specific folder) */
#endif
