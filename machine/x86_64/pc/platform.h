/* platform.h (pc) — the qemu target: the PVH boot (pvh/) on QEMU's emulated
 * PC (16550 serial, local and I/O APIC, PIT, CMOS RTC, ACPI, isa-debug-exit).
 * The shared files see it through machine.h; isr.S includes it for
 * TRAP_ENTRY_PROLOGUE (pvh.h). */
#ifndef CRUST_PLATFORM_H
#define CRUST_PLATFORM_H
#include "pvh.h"

#ifndef __ASSEMBLER__
/* Port I/O: Intel SDM vol. 2 (IN, OUT). */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

/* serial.c */
void serial_init(void);
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
