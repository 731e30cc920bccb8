/* Freestanding <stdlib.h>: only abort, which wasm-rt.h may name. */
#ifndef CRUST_STDLIB_H
#define CRUST_STDLIB_H
#include <stddef.h>
__attribute__((noreturn)) void abort(void);
#endif
