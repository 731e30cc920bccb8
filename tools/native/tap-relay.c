/* tap-relay — connects a TAP device to the node target's host process.
 * Node cannot issue the TUNSETIFF ioctl, so this small program opens the TAP
 * (Linux Documentation/networking/tuntap.rst) and relays frames both ways
 * over its stdin/stdout, each frame preceded by its length as 2 bytes,
 * big-endian. It exits when stdin closes (the host ended). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_FRAME 65536

static int write_all(int fd, const uint8_t *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w, n -= (size_t)w;
  }
  return 0;
}

static int read_all(int fd, uint8_t *p, size_t n) {
  while (n) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    p += r, n -= (size_t)r;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2 || strlen(argv[1]) >= IFNAMSIZ) {
    fprintf(stderr, "usage: tap-relay TAPNAME\n");
    return 2;
  }
  int tap = open("/dev/net/tun", O_RDWR);
  if (tap < 0) { perror("tap-relay: /dev/net/tun"); return 1; }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  strcpy(ifr.ifr_name, argv[1]);
  if (ioctl(tap, TUNSETIFF, &ifr) < 0) { perror("tap-relay: TUNSETIFF"); return 1; }
  static uint8_t buf[2 + MAX_FRAME];
  struct pollfd fds[2] = {{tap, POLLIN, 0}, {0, POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0 && errno != EINTR) return 1;
    if (fds[0].revents & POLLIN) {
      ssize_t n = read(tap, buf + 2, MAX_FRAME);
      if (n > 0) {
        buf[0] = (uint8_t)(n >> 8), buf[1] = (uint8_t)n;
        if (write_all(1, buf, (size_t)n + 2) < 0) return 0;
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP)) {
      if (read_all(0, buf, 2) < 0) return 0;
      size_t n = (size_t)buf[0] << 8 | buf[1];
      if (read_all(0, buf + 2, n) < 0) return 0;
      if (write(tap, buf + 2, n) < 0 && errno != EIO) perror("tap-relay: write");
    }
  }
}
