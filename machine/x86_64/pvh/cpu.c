/* cpu.c — the descriptor tables: GDT with a TSS, and the IDT.
 * Intel SDM vol. 3 §7.7 (64-bit TSS), §6.14 (64-bit IDT gates).
 * Every vector has a gate. Exceptions run on their own stack (IST1) so that a
 * kernel stack overflow, which faults on the guard page, can still be reported. */
#include "layout.h"
#include "machine.h"

struct __attribute__((packed)) tss64 {
  uint32_t reserved0;
  uint64_t rsp[3];
  uint64_t reserved1;
  uint64_t ist[7];
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t iomap_base;
};

struct __attribute__((packed)) idt_gate {
  uint16_t offset_low;
  uint16_t selector;
  uint8_t ist;
  uint8_t type_attr;
  uint16_t offset_mid;
  uint32_t offset_high;
  uint32_t reserved;
};

struct __attribute__((packed)) table_ptr {
  uint16_t limit;
  uint64_t base;
};

#define GATE_INTERRUPT 0x8e /* present, DPL0, 64-bit interrupt gate (IF cleared) */
#define TSS_AVAILABLE 0x89  /* present, 64-bit available TSS */
#define IST_TRAP 1
#define FIRST_IRQ_VECTOR 32

extern const uint64_t isr_table[256];

/* The trap stack; its first page is a guard that paging.c leaves unmapped. */
__attribute__((aligned(PAGE_SIZE))) char trap_stack_area[PAGE_SIZE + TRAP_STACK_SIZE];

static struct tss64 tss;
static uint64_t gdt[5];
static struct idt_gate idt[256];

static void load_gdt(void) {
  gdt[0] = 0;
  gdt[1] = 0x00af9a000000ffffull; /* GDT_CODE64 */
  gdt[2] = 0x00cf92000000ffffull; /* GDT_DATA */
  uint64_t base = (uint64_t)&tss, limit = sizeof tss - 1;
  gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | ((uint64_t)TSS_AVAILABLE << 40) |
           (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
  gdt[4] = base >> 32;
  struct table_ptr p = {sizeof gdt - 1, (uint64_t)gdt};
  __asm__ volatile("lgdt %0" ::"m"(p));
  __asm__ volatile("ltr %w0" ::"r"(GDT_TSS));
}

static void load_idt(void) {
  for (int v = 0; v < 256; v++) {
    uint64_t h = isr_table[v];
    idt[v] = (struct idt_gate){
        .offset_low = h & 0xffff,
        .selector = GDT_CODE64,
        .ist = v < FIRST_IRQ_VECTOR ? IST_TRAP : 0,
        .type_attr = GATE_INTERRUPT,
        .offset_mid = (h >> 16) & 0xffff,
        .offset_high = h >> 32,
    };
  }
  struct table_ptr p = {sizeof idt - 1, (uint64_t)idt};
  __asm__ volatile("lidt %0" ::"m"(p));
}

void cpu_init(void) {
  tss.ist[IST_TRAP - 1] = (uint64_t)(trap_stack_area + sizeof trap_stack_area);
  tss.iomap_base = sizeof tss; /* no I/O permission bitmap */
  load_gdt();
  load_idt();
}

void interrupts_off(void) { __asm__ volatile("cli"); }

uint64_t fault_address(void) {
  uint64_t cr2;
  __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
  return cr2;
}
