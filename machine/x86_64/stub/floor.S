/* floor.S — the smallest PVH guest: it prints one line on COM1 and exits at
 * once through isa-debug-exit with code 0 (written as 1, see power.c). Benchmarks boot it to measure the
 * VMM's own floor, and crust boots it to check that KVM really runs guests. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

.section .note.crust.pvh, "a", @note
  .p2align 2
  .long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
  .asciz "Xen"
  .long floor_start

.section .text.boot, "ax"
.code32
.globl floor_start
floor_start:
  movw $0x3f8, %dx             /* COM1 data register: no setup needed in QEMU */
  movb $'.', %al
  outb %al, %dx
  movb $'\n', %al
  outb %al, %dx
  movw $0xf4, %dx
  movl $1, %eax
  outl %eax, %dx
1:hlt
  jmp 1b
