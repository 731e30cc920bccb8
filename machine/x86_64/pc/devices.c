/* devices.c — the hardware primitives of module "crust" on the qemu target
 * (kernel/boundary.ts, "Hardware platforms"): port I/O, MMIO, DMA addresses
 * and interrupt lines, from which the AssemblyScript drivers are built.
 * Device access is confined to the device hole, so the kernel can reach
 * devices but not machine memory. */
#include "imports.h"
#include "machine.h"

#define MMIO_LOW 0xc0000000ull
#define MMIO_HIGH 0x100000000ull

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
  kernel_bytes(c, ptr, 0); /* bounds check */
  return linear_memory_dma(ptr);
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
