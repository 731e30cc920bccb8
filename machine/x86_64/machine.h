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

/* What boot learned from the loader (PVH start info). */
struct boot_info {
  const char *cmdline;
  uint64_t ram_top;     /* end of the RAM region that holds the image */
  uint64_t rsdp;        /* ACPI RSDP physical address, 0 if unknown */
};
extern struct boot_info boot;

/* Port and model-specific-register access: Intel SDM vol. 2 (IN, OUT, RDMSR). */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint64_t rdtsc(void) { uint32_t lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((uint64_t)hi << 32) | lo; }
static inline uint64_t rdmsr(uint32_t msr) { uint32_t lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return ((uint64_t)hi << 32) | lo; }
static inline void wrmsr(uint32_t msr, uint64_t v) { __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))); }
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) {
  __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

/* serial.c */
void serial_init(void);
void serial_write(const char *s, size_t n);
/* print.c */
void kprintf(const char *fmt, ...);
void kvprintf(const char *fmt, va_list ap);
/* paging.c */
void paging_init(void);
uint64_t linear_memory_base(void);
uint64_t linear_memory_limit(void);
/* cpu.c */
void cpu_init(void);
/* irq.c */
void irq_init(void);
void lapic_eoi(void);
void lapic_timer_oneshot(uint32_t ticks);
uint64_t irq_take_pending(void);
uint32_t lapic_timer_current(void);
void irq_route(unsigned gsi, bool level, bool active_low);
void irq_unmask(unsigned gsi);
/* time.c */
extern uint64_t tsc_at_entry;
void time_init(void);
uint64_t monotonic_ns(void);
int64_t wall_ns(void);
void wait_until(uint64_t deadline_ns);
/* acpi.c */
void acpi_init(uint64_t rsdp_hint);
void acpi_power_off(void);
/* power.c */
NORETURN void power_off(int code);
/* crash.c */
NORETURN void crash(int code, const char *what, uint64_t rbp);
void backtrace(uint64_t rbp);
/* kernel.c */
NORETURN void kernel_run(void);
#endif
