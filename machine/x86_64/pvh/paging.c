/* paging.c — the page tables Crust runs on (Intel SDM vol. 3 §4.5, 4-level).
 *
 * Identity map of the low 4 GiB, built once at boot:
 *  - the 2 MiB regions that hold the image use 4 KiB pages so that each
 *    section gets its own rights: text read+execute, rodata read-only,
 *    data/bss read+write and never executable;
 *  - page 0 is unmapped (null pointers fault), and so are the guard pages below
 *    the boot stack and the trap stack (an overflow faults, it never corrupts);
 *  - RAM after the image is read+write, no-execute; the 2 MiB region in
 *    which RAM ends (when it ends inside one) uses 4 KiB pages too, so all of
 *    it is usable: in a 3 MiB VM that is a third of the RAM;
 *  - RAM that does not exist is unmapped; the 3-4 GiB hole for devices (LAPIC,
 *    IOAPIC, PCI BARs, virtio-mmio) is uncached and no-execute.
 *
 * The wasm linear memory has its own window of virtual addresses, LINEAR_VA,
 * backed by the RAM after the image. Only the pages that the wasm memory has
 * at the moment are mapped there (4 KiB pages, mapped as memory.grow asks);
 * the rest of the window stays unmapped, so every access the wasm spec calls
 * out of bounds — a 32-bit address plus a 32-bit offset lands below
 * LINEAR_VA + 8 GiB — faults, and trap.c reports a wasm trap. The compiled
 * kernel then needs no bounds check per access (wasm2c's
 * WASM_RT_MEMCHECK_SIGNAL_HANDLER mode): smaller and faster code. Page tables
 * for the window are taken from the top of RAM, one per 2 MiB of memory. */
#include "layout.h"
#include "machine.h"

#define PTE_NX (1ull << 63)
#define TWO_MB (2ull << 20)
#define GIB (1ull << 30)
#define MMIO_HOLE (3 * GIB)
#define LOW_TABLES 16 /* 4 KiB-page tables for the image: up to 32 MiB */
#define LINEAR_VA (512 * GIB) /* PML4 entry 1: nothing else lives there */
#define LINEAR_MAX (4 * GIB)  /* wasm32 */
#define PTE_ADDR 0x000ffffffffff000ull

extern char __text_start[], __text_end[], __rodata_end[], __data_end[], __image_end[];
extern char stack_guard[], trap_stack_area[];

static uint64_t pml4[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t pdpt[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t pd[4][512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t pt[LOW_TABLES][512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t tail_pt[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t linear_pdpt[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t linear_pd[LINEAR_MAX / GIB][512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t linear_phys;        /* RAM behind LINEAR_VA: the page after the image */
static uint64_t linear_pages;       /* 4 KiB pages mapped so far */
static uint64_t table_pool;         /* page tables are taken downward from here */

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

/* The end of the identity-mapped RAM (below the device hole). */
static uint64_t ram_mapped_top(void) {
  uint64_t top = boot.ram_top < MMIO_HOLE ? boot.ram_top : MMIO_HOLE;
  return top & ~(uint64_t)(PAGE_SIZE - 1);
}

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
  uint64_t tail = ram_mapped_top() & ~(TWO_MB - 1); /* where RAM ends inside a region */
  int partial_tail = tail >= low_end && ram_mapped_top() > tail;
  pml4[0] = (uint64_t)pdpt | PTE_P | PTE_W;
  for (int g = 0; g < 4; g++) {
    pdpt[g] = (uint64_t)pd[g] | PTE_P | PTE_W;
    for (int i = 0; i < 512; i++) {
      uint64_t a = (uint64_t)g * GIB + (uint64_t)i * TWO_MB;
      if (a < low_end || (partial_tail && a == tail)) {
        uint64_t *t = a < low_end ? pt[a / TWO_MB] : tail_pt;
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
  pml4[LINEAR_VA >> 39] = (uint64_t)linear_pdpt | PTE_P | PTE_W;
  for (uint64_t g = 0; g < LINEAR_MAX / GIB; g++) linear_pdpt[g] = (uint64_t)linear_pd[g] | PTE_P | PTE_W;
  linear_phys = (uint64_t)__image_end;
  table_pool = ram_mapped_top();
  __asm__ volatile("mov %0, %%cr3" ::"r"((uint64_t)pml4) : "memory");
}

uint64_t linear_memory_base(void) { return LINEAR_VA; }

/* The RAM after the image, less one page table per 2 MiB of it. */
uint64_t linear_memory_limit(void) {
  uint64_t top = ram_mapped_top();
  uint64_t avail = top > linear_phys ? top - linear_phys : 0;
  uint64_t tables = avail / (TWO_MB + PAGE_SIZE) + 1;
  uint64_t limit = avail > tables * PAGE_SIZE ? (avail - tables * PAGE_SIZE) & ~0xffffull : 0;
  return limit < LINEAR_MAX ? limit : LINEAR_MAX - 0x10000;
}

/* Map the window up to bytes. Not-present entries are never cached by the
 * TLB (SDM vol. 3 §4.10.2.3), so no invalidation is needed. */
void linear_memory_commit(uint64_t bytes) {
  for (uint64_t p = linear_pages; p < bytes / PAGE_SIZE; p++) {
    uint64_t *pde = &linear_pd[p >> 18][(p >> 9) & 511];
    if (!*pde) {
      table_pool -= PAGE_SIZE;
      memset((void *)table_pool, 0, PAGE_SIZE);
      *pde = table_pool | PTE_P | PTE_W;
    }
    ((uint64_t *)(*pde & PTE_ADDR))[p & 511] = (linear_phys + p * PAGE_SIZE) | PTE_P | PTE_W | PTE_NX;
  }
  if (bytes / PAGE_SIZE > linear_pages) linear_pages = bytes / PAGE_SIZE;
}

/* Devices see the RAM behind the window. */
uint64_t linear_memory_dma(uint32_t offset) { return linear_phys + offset; }
