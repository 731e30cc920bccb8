/* libc.c — the few C library functions that compiled code calls: memory and
 * string primitives (clang emits calls to these for struct copies) and the
 * rounding functions wasm2c uses for f32/f64 floor/ceil/trunc/nearest, written
 * without SSE4.1 so that any x86-64 CPU model runs the image. */
#include <math.h>
#include "machine.h"

/* Bulk work moves 8 bytes per iteration: under software emulation (QEMU TCG)
 * each iteration of a rep-string instruction costs about the same whatever
 * its width, and boot clears and copies tens of kilobytes. */
void *memset(void *d, int c, size_t n) {
  void *r = d;
  uint64_t q = 0x0101010101010101ull * (uint8_t)c;
  size_t words = n / 8, rest = n % 8;
  __asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(q) : "memory");
  __asm__ volatile("rep stosb" : "+D"(d), "+c"(rest) : "a"(q) : "memory");
  return r;
}

void *memcpy(void *d, const void *s, size_t n) {
  void *r = d;
  size_t words = n / 8, rest = n % 8;
  __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
  __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(rest) : : "memory");
  return r;
}

void *memmove(void *d, const void *s, size_t n) {
  unsigned char *dp = d;
  const unsigned char *sp = s;
  if (dp <= sp || dp >= sp + n) return memcpy(d, s, n);
  while (n--) dp[n] = sp[n];
  return d;
}

int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *p = a, *q = b;
  for (size_t i = 0; i < n; i++)
    if (p[i] != q[i]) return p[i] - q[i];
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

int strncmp(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (a[i] != b[i]) return (unsigned char)a[i] - (unsigned char)b[i];
    if (!a[i]) return 0;
  }
  return 0;
}

/* Values at or beyond 2^52 (2^23 for float) are already integers. */
double trunc(double x) { return fabs(x) < 0x1p52 ? (double)(int64_t)x : x; }
float truncf(float x) { return fabsf(x) < 0x1p23f ? (float)(int32_t)x : x; }
double floor(double x) { double t = trunc(x); return t > x ? t - 1.0 : t; }
float floorf(float x) { float t = truncf(x); return t > x ? t - 1.0f : t; }
double ceil(double x) { double t = trunc(x); return t < x ? t + 1.0 : t; }
float ceilf(float x) { float t = truncf(x); return t < x ? t + 1.0f : t; }

/* Round half to even: adding and subtracting 2^52 rounds in the default mode. */
double nearbyint(double x) {
  if (!(fabs(x) < 0x1p52)) return x;
  double r = fabs(x) + 0x1p52 - 0x1p52;
  return copysign(r, x);
}
float nearbyintf(float x) {
  if (!(fabsf(x) < 0x1p23f)) return x;
  float r = fabsf(x) + 0x1p23f - 0x1p23f;
  return copysignf(r, x);
}

double sqrt(double x) { double r; __asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x)); return r; }
float sqrtf(float x) { float r; __asm__("sqrtss %1, %0" : "=x"(r) : "x"(x)); return r; }

void abort(void) {
  kprintf("crust: abort\n");
  crash(EXIT_PANIC, "", (uint64_t)__builtin_frame_address(0));
}
