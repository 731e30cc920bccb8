/* layout.h — constants shared by the assembly entries and C: control-register
 * bits, page-table entry bits, segment selectors and stack sizes. */
#ifndef CRUST_LAYOUT_H
#define CRUST_LAYOUT_H

#define PAGE_SIZE 4096
#define BOOT_STACK_SIZE (512 * 1024)
#define TRAP_STACK_SIZE (16 * 1024)

/* Intel SDM vol. 3 §2.5: control registers. */
#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)

/* Intel SDM vol. 3 §2.2.1: IA32_EFER. */
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

/* Intel SDM vol. 3 §4.5, table 4-19/4-20: paging-structure entry bits. */
#define PTE_P (1 << 0)
#define PTE_W (1 << 1)
#define PTE_PWT (1 << 3)
#define PTE_PCD (1 << 4)
#define PTE_PS (1 << 7)

/* Selectors of the GDT built in pvh.S and replaced by cpu.c. */
#define GDT_CODE64 0x08
#define GDT_DATA 0x10
#define GDT_TSS 0x18

#endif
