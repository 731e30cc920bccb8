#!/bin/sh
# virtio-probe against Linux on a TAP device: checksum offload both ways
# (VIRTIO_NET_F_CSUM, GUEST_CSUM need a vnet_hdr peer; QEMU's slirp is not).
# Runs in a network namespace of its own, so it touches no host interface.
# Needs root. Usage: test/apps/virtio-probe/tap-test.sh [q35|pc|microvm]
set -eu
machine=${1:-q35}
ns=crust-vioprobe-$$
cd "$(dirname "$0")/../../.."
ip netns add "$ns"
echo_pid=
cleanup() {
  [ -n "$echo_pid" ] && kill "$echo_pid" 2>/dev/null || true
  ip netns del "$ns"
}
trap cleanup EXIT
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" ip tuntap add dev vtap0 mode tap
ip netns exec "$ns" ip link set vtap0 up
ip netns exec "$ns" ip addr add 10.0.2.2/24 dev vtap0
ip netns exec "$ns" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.2.2", 7777))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data, peer)
' &
echo_pid=$!
ip netns exec "$ns" npx crust run test/apps/virtio-probe --tap vtap0 --machine "$machine" -- tap
