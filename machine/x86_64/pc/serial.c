/* serial.c — the 16550 UART on COM1, the console of the qemu target.
 * Polled output only: the console is written by one core and must work before
 * interrupts exist and inside the crash path. Register map: National
 * Semiconductor PC16550D data sheet, §8 (THR/DLL at +0, IER/DLM at +1 ...). */
#include "machine.h"

#define COM1 0x3f8
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define LSR_THRE 0x20 /* transmit holding register empty */

void serial_init(void) {
  outb(COM1 + UART_IER, 0);          /* no UART interrupts */
  outb(COM1 + UART_LCR, LCR_DLAB);
  outb(COM1 + 0, 1);                 /* divisor 1: 115200 baud */
  outb(COM1 + 1, 0);
  outb(COM1 + UART_LCR, LCR_8N1);
  outb(COM1 + UART_FCR, 0x07);       /* enable and clear FIFOs */
  outb(COM1 + UART_MCR, 0x03);       /* DTR, RTS */
}

static void serial_putc(char c) {
  /* Bounded wait: a missing UART reads 0xff and must not hang the guest. */
  for (int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & LSR_THRE); i++) {
  }
  outb(COM1, (uint8_t)c);
}

void console_write(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\n') serial_putc('\r');
    serial_putc(s[i]);
  }
}
