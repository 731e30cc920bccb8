/* print.c — kprintf for the machine layer's own messages (boot errors, crash
 * reports). Supports %s %c %d %u %x %p with the l/ll and 0-padding/width
 * modifiers that those reports use; anything else is printed verbatim. */
#include "machine.h"

static void put(const char *s, size_t n) { console_write(s, n); }

static void put_uint(uint64_t v, unsigned base, int width, char pad) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  while (n < width && n < (int)sizeof buf) buf[n++] = pad;
  while (n) put(&buf[--n], 1);
}

void kvprintf(const char *fmt, va_list ap) {
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') {
      const char *q = p;
      while (*q && *q != '%') q++;
      put(p, (size_t)(q - p));
      p = q - 1;
      continue;
    }
    p++;
    char pad = ' ';
    int width = 0, longs = 0;
    if (*p == '0') pad = '0', p++;
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    while (*p == 'l') longs++, p++;
    switch (*p) {
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (!s) s = "(null)";
      put(s, strlen(s));
      break;
    }
    case 'c': { char c = (char)va_arg(ap, int); put(&c, 1); break; }
    case 'd': {
      int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
      if (v < 0) put("-", 1), v = -v;
      put_uint((uint64_t)v, 10, width, pad);
      break;
    }
    case 'u': put_uint(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad); break;
    case 'x': put_uint(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad); break;
    case 'p': put("0x", 2); put_uint((uint64_t)va_arg(ap, void *), 16, 16, '0'); break;
    case '%': put("%", 1); break;
    default: put(p - 1, 2); break;
    }
  }
}

void kprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  kvprintf(fmt, ap);
  va_end(ap);
}
