/* pvh.h — the PVH boot (pvh.S, start_info.c, paging.c, cpu.c): what it offers
 * the platform on top of it, the qemu target's emulated PC (pc/) or a Xen
 * PVH domain (xen/pvh/). Either way the guest runs in ring 0 of a
 * hardware-virtualized CPU, with its own page tables and IDT; the platform's
 * platform.h includes this. isr.S sees it too, for TRAP_ENTRY_PROLOGUE. */
#ifndef CRUST_PVH_H
#define CRUST_PVH_H

/* The CPU itself pushes the exception frame: nothing to undo in isr.S. */
#define TRAP_ENTRY_PROLOGUE

#ifndef __ASSEMBLER__
/* Model-specific registers and MMIO: Intel SDM vol. 2 (RDMSR, WRMSR). */
static inline uint64_t rdmsr(uint32_t msr) { uint32_t lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return ((uint64_t)hi << 32) | lo; }
static inline void wrmsr(uint32_t msr, uint64_t v) { __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))); }
static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

struct hvm_start_info;
/* start_info.c: the loader's start info into `boot` (command line, RAM, RSDP). */
void read_start_info(const struct hvm_start_info *si);
/* paging.c */
void paging_init(void);
uint64_t linear_memory_dma(uint32_t offset); /* the RAM behind a linear-memory offset */
/* cpu.c */
void cpu_init(void);
#endif
#endif
