/* devices.c — the Xen platform's primitives of module "crust"
 * (kernel/boundary.ts, "Xen platforms"): the xenstore ring as a byte
 * transport, from which targets/xen/xenstore.ts builds the protocol. */
#include "imports.h"
#include "machine.h"

u32 Z_crustZ_xenstore_send(struct Z_crust_instance_t *c, u32 ptr, u32 len) {
  return store_send(kernel_bytes(c, ptr, len), len) ? 1 : 0;
}

u32 Z_crustZ_xenstore_receive(struct Z_crust_instance_t *c, u32 ptr, u32 cap) {
  return store_receive(kernel_bytes(c, ptr, cap), cap);
}
