/* paging.c — the page tables Crust runs on (Intel SDM vol. 3 §4.5, 4-level).
 *
 * Identity map of the low 4 GiB, built once at boot:
 *  - the 2 MiB regions that hold the image use 4 KiB pages so that each
 *    section gets its own rights: text read+execute, rodata read-only,
 *    data/bss read+write and never executable;
 *  - page 0 is unmapped (null pointers fault), and so are the guard pages below
 *    the boot stack and the trap stack (an overflow faults, it never corrupts);
 *  - RAM after the image (the wasm linear memory) is read+write, no-execute;
 *  - RAM that does not exist is unmapped; the 3-4 GiB hole for devices (LAPIC,
 *    IOAPIC, PCI BARs, virtio-mmio) is uncached and no-execute. */
#include "layout.h"
#include "machine.h"

#define PTE_NX (1ull << 63)
#define TWO_MB (2ull << 20)
#define GIB (1ull << 30)
#define MMIO_HOLE (3 * GIB)
#define LOW_TABLES 16 /* 4 KiB-page tables for the image: up to 32 MiB */

extern char __text_start[], __text_end[], __rodata_end[], __data_end[], __image_end[];
extern char stack_guard[], trap_stack_area[];

static uint64_t pml4[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t pdpt[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t pd[4][512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t pt[LOW_TABLES][512] __attribute__((aligned(PAGE_SIZE)));

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

/* The rights of one 4 KiB page in the image's 2 MiB regions. */
static uint64_t small_page_flags(uint64_t a) {
  if (a == 0 || a == (uint64_t)stack_guard || a == (uint64_t)trap_stack_area) return 0;
  if (a >= (uint64_t)__text_start && a < (uint64_t)__text_end) return PTE_P;
  if (a >= (uint64_t)__text_end && a < (uint64_t)__rodata_end) return PTE_P | PTE_NX;
  if (a >= boot.ram_top) return 0;
  return PTE_P | PTE_W | PTE_NX;
}

static uint64_t large_page_flags(uint64_t a) {
  if (a >= MMIO_HOLE) return PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT | PTE_NX;
  if (a + TWO_MB <= boot.ram_top) return PTE_P | PTE_W | PTE_PS | PTE_NX;
  return 0;
}

void paging_init(void) {
  uint64_t low_end = align_up((uint64_t)__image_end, TWO_MB);
  if (low_end / TWO_MB > LOW_TABLES) {
    kprintf("crust: image too large for the boot page tables\n");
    power_off(EXIT_PANIC);
  }
  pml4[0] = (uint64_t)pdpt | PTE_P | PTE_W;
  for (int g = 0; g < 4; g++) {
    pdpt[g] = (uint64_t)pd[g] | PTE_P | PTE_W;
    for (int i = 0; i < 512; i++) {
      uint64_t a = (uint64_t)g * GIB + (uint64_t)i * TWO_MB;
      if (a < low_end) {
        uint64_t *t = pt[a / TWO_MB];
        for (int j = 0; j < 512; j++) {
          uint64_t p = a + (uint64_t)j * PAGE_SIZE;
          uint64_t f = small_page_flags(p);
          t[j] = f ? (p | f) : 0;
        }
        pd[g][i] = (uint64_t)t | PTE_P | PTE_W;
      } else {
        uint64_t f = large_page_flags(a);
        pd[g][i] = f ? (a | f) : 0;
      }
    }
  }
  __asm__ volatile("mov %0, %%cr3" ::"r"((uint64_t)pml4) : "memory");
}

/* The wasm linear memory occupies the RAM from the end of the image to the top
 * of RAM, identity mapped, so a buffer's DMA address is base + offset. */
uint64_t linear_memory_base(void) { return (uint64_t)__image_end; }
uint64_t linear_memory_limit(void) {
  uint64_t low_end = align_up((uint64_t)__image_end, TWO_MB);
  uint64_t top = boot.ram_top < MMIO_HOLE ? boot.ram_top : MMIO_HOLE;
  if (top > low_end) top = top & ~(TWO_MB - 1); /* large pages cover whole regions only */
  if (top < low_end && boot.ram_top > low_end) top = low_end;
  return top > linear_memory_base() ? top - linear_memory_base() : 0;
}
