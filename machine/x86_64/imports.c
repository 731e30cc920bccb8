/* imports.c — the machine side of the sandbox boundary: module "crust".
 * Each function here is one entry of kernel/boundary.ts, which documents them;
 * keep the two in step. Every pointer the kernel passes is an offset into its
 * linear memory and is bounds-checked here: a bad one is a wasm trap, exactly
 * as if the kernel had dereferenced it itself. Device access is confined to
 * the device hole, so the kernel can reach devices but not machine memory. */
#include "imports.h"
#include "machine.h"

#define MMIO_LOW 0xc0000000ull
#define MMIO_HIGH 0x100000000ull
#define NO_DEADLINE UINT64_MAX

static uint8_t *kernel_bytes(struct Z_crust_instance_t *c, uint32_t ptr, uint32_t len) {
  wasm_rt_memory_t *m = Z_kernelZ_memory(c->kernel);
  if ((uint64_t)ptr + len > m->size) wasm_rt_trap(WASM_RT_TRAP_OOB);
  return m->data + ptr;
}

void Z_crustZ_console_write(struct Z_crust_instance_t *c, u32 ptr, u32 len) {
  serial_write((const char *)kernel_bytes(c, ptr, len), len);
}

void Z_crustZ_exit(struct Z_crust_instance_t *c, u32 code) {
  (void)c;
  power_off((int)code);
}

void Z_crustZ_panic(struct Z_crust_instance_t *c, u32 ptr, u32 len) {
  kprintf("\ncrust: panic: ");
  serial_write((const char *)kernel_bytes(c, ptr, len), len);
  crash(EXIT_PANIC, "", (uint64_t)__builtin_frame_address(0));
}

u64 Z_crustZ_clock_monotonic(struct Z_crust_instance_t *c) { (void)c; return monotonic_ns(); }
u64 Z_crustZ_clock_wall(struct Z_crust_instance_t *c) { (void)c; return (u64)wall_ns(); }

void Z_crustZ_wait(struct Z_crust_instance_t *c, u64 deadline) {
  (void)c;
  wait_until(deadline);
}

u32 Z_crustZ_cmdline(struct Z_crust_instance_t *c, u32 buf, u32 cap) {
  uint32_t n = (uint32_t)strlen(boot.cmdline);
  uint8_t *dst = kernel_bytes(c, buf, cap);
  memcpy(dst, boot.cmdline, n < cap ? n : cap);
  return n;
}

/* RDSEED, else RDRAND (SDM vol. 1 §7.3.17): CPUID.7.0:EBX[18], CPUID.1:ECX[30]. */
static bool hw_random(uint64_t *out) {
  uint32_t r[4];
  unsigned char ok = 0;
  cpuid(7, 0, r);
  if (r[1] & (1u << 18)) {
    for (int i = 0; i < 10 && !ok; i++) __asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok));
    if (ok) return true;
  }
  cpuid(1, 0, r);
  if (r[2] & (1u << 30)) {
    for (int i = 0; i < 10 && !ok; i++) __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
  }
  return ok;
}

u32 Z_crustZ_entropy(struct Z_crust_instance_t *c, u32 buf, u32 len) {
  uint8_t *dst = kernel_bytes(c, buf, len);
  uint32_t done = 0;
  uint64_t v;
  while (done < len && hw_random(&v)) {
    uint32_t n = len - done < 8 ? len - done : 8;
    memcpy(dst + done, &v, n);
    done += n;
  }
  return done;
}

u32 Z_crustZ_io_read(struct Z_crust_instance_t *c, u32 port, u32 width) {
  (void)c;
  switch (width) {
  case 1: return inb((uint16_t)port);
  case 2: return inw((uint16_t)port);
  case 4: return inl((uint16_t)port);
  }
  wasm_rt_trap(WASM_RT_TRAP_OOB);
}

void Z_crustZ_io_write(struct Z_crust_instance_t *c, u32 port, u32 width, u32 v) {
  (void)c;
  switch (width) {
  case 1: outb((uint16_t)port, (uint8_t)v); return;
  case 2: outw((uint16_t)port, (uint16_t)v); return;
  case 4: outl((uint16_t)port, v); return;
  }
  wasm_rt_trap(WASM_RT_TRAP_OOB);
}

static void check_mmio(u64 addr, u32 width) {
  bool ok_width = width == 1 || width == 2 || width == 4 || width == 8;
  if (!ok_width || addr < MMIO_LOW || addr + width > MMIO_HIGH || (addr & (width - 1)))
    wasm_rt_trap(WASM_RT_TRAP_OOB);
}

u64 Z_crustZ_mmio_read(struct Z_crust_instance_t *c, u64 addr, u32 width) {
  (void)c;
  check_mmio(addr, width);
  switch (width) {
  case 1: return *(volatile uint8_t *)addr;
  case 2: return *(volatile uint16_t *)addr;
  case 4: return *(volatile uint32_t *)addr;
  default: return *(volatile uint64_t *)addr;
  }
}

void Z_crustZ_mmio_write(struct Z_crust_instance_t *c, u64 addr, u32 width, u64 v) {
  (void)c;
  check_mmio(addr, width);
  switch (width) {
  case 1: *(volatile uint8_t *)addr = (uint8_t)v; break;
  case 2: *(volatile uint16_t *)addr = (uint16_t)v; break;
  case 4: *(volatile uint32_t *)addr = (uint32_t)v; break;
  default: *(volatile uint64_t *)addr = v; break;
  }
}

u64 Z_crustZ_dma_address(struct Z_crust_instance_t *c, u32 ptr) {
  return (u64)(uintptr_t)kernel_bytes(c, ptr, 0);
}

void Z_crustZ_irq_route(struct Z_crust_instance_t *c, u32 gsi, u32 level) {
  (void)c;
  irq_route(gsi, level != 0, level != 0); /* PCI INTx lines are level, active low */
}

u64 Z_crustZ_irq_take(struct Z_crust_instance_t *c) { (void)c; return irq_take_pending(); }

void Z_crustZ_irq_unmask(struct Z_crust_instance_t *c, u32 gsi) {
  (void)c;
  irq_unmask(gsi);
}
