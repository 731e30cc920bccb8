/* Freestanding <setjmp.h>: wasm-rt.h names jmp_buf for exception unwinding,
 * which Crust does not use (traps are fatal), so nothing here is defined. */
#ifndef CRUST_SETJMP_H
#define CRUST_SETJMP_H
typedef long jmp_buf[8];
int setjmp(jmp_buf env);
__attribute__((noreturn)) void longjmp(jmp_buf env, int val);
#endif
