/* imports.h — the context wasm2c passes to every import of module "crust". */
#ifndef CRUST_IMPORTS_H
#define CRUST_IMPORTS_H
#include "kernel.h"

struct Z_crust_instance_t {
  Z_kernel_instance_t *kernel;
};

#endif
