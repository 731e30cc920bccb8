/* Freestanding <alloca.h>. */
#ifndef CRUST_ALLOCA_H
#define CRUST_ALLOCA_H
#define alloca __builtin_alloca
#endif
