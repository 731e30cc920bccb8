/* imports.h — the context wasm2c passes to every import of module "crust". */
#ifndef CRUST_IMPORTS_H
#define CRUST_IMPORTS_H
#include "kernel.h"

struct Z_crust_instance_t {
  Z_kernel_instance_t *kernel;
};

/* The kernel's bytes [ptr, ptr+len), or a wasm trap if they are not all in
 * its linear memory. */
uint8_t *kernel_bytes(struct Z_crust_instance_t *c, uint32_t ptr, uint32_t len);

#endif
