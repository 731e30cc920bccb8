/* platform.h (pvh) — what the PVH platform's files offer each other: the
 * qemu target's machine on real (or emulated) x86 hardware. The shared files
 * see it through machine.h; isr.S includes it for TRAP_ENTRY_PROLOGUE. */
#ifndef CRUST_PLATFORM_H
#define CRUST_PLATFORM_H

/* The CPU itself pushes the exception frame: nothing to undo in isr.S. */
#define TRAP_ENTRY_PROLOGUE

#ifndef __ASSEMBLER__
/* Port and model-specific-register access: Intel SDM vol. 2 (IN, OUT, RDMSR). */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint64_t rdmsr(uint32_t msr) { uint32_t lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return ((uint64_t)hi << 32) | lo; }
static inline void wrmsr(uint32_t msr, uint64_t v) { __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))); }
static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

/* serial.c */
void serial_init(void);
/* paging.c */
void paging_init(void);
uint64_t linear_memory_dma(uint32_t offset);
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
void time_init(void);
/* acpi.c */
void acpi_init(uint64_t rsdp_hint);
void acpi_power_off(void);
#endif
#endif
