#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run once by the guest's pid 1 (busybox init; see build-image.sh): the minimal system a test
# needs — proc, sys, a pure cgroup2 hierarchy with every controller enabled for children (as
# systemd leaves it), tmpfs /tmp and /run, loopback — then the command in the 9p share tagged
# isola-run: /run-share/cmd, its output on the console and in /run-share/console.log, its exit
# status in /run-share/status. Then the machine powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t mqueue mqueue /dev/mqueue
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
  echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control
done
hostname isola-guest
ip link set lo up
# The guest has no NIC (nothing may leave it); a dummy interface gives it the one non-loopback
# address every real host has, which the bridge tests reach from their sandboxes.
if modprobe dummy 2>/dev/null && ip link add eth0 type dummy; then
  ip addr add 192.0.2.10/24 dev eth0
  ip link set eth0 up
fi
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 isola-run /run-share; then
  echo "isola-guest-init: no 9p share tagged isola-run: nothing to run" >/dev/console
  busybox poweroff -f
fi
echo "isola-guest-init: $(uname -r), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)" \
  | tee /run-share/console.log >/dev/console
(
  sh /run-share/cmd 2>&1
  echo $? >/run-share/status.tmp
) | tee -a /run-share/console.log >/dev/console
mv /run-share/status.tmp /run-share/status
sync
busybox poweroff -f
