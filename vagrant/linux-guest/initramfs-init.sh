#!/bin/busybox sh
# SPDX-License-Identifier: Apache-2.0
# The initramfs's /init: load the modules listed in /lib/modules/load (virtio, ext4, 9p and their
# dependencies, in order), mount /dev/vda and switch to it. The root's init is /sbin/init, or what
# isola.init=PATH on the kernel command line names.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
fail() {
  echo "initramfs: $*" >/dev/console
  poweroff -f
}
while read -r m; do
  insmod "/lib/modules/$m" || fail "insmod $m failed"
done </lib/modules/load
i=0
while [ ! -b /dev/vda ]; do
  i=$((i + 1))
  [ "$i" -lt 200 ] || fail "no /dev/vda after 10 s"
  sleep 0.05
done
mount -t ext4 -o rw /dev/vda /newroot || fail "cannot mount /dev/vda"
init=/sbin/init
for arg in $(cat /proc/cmdline); do
  case "$arg" in isola.init=*) init=${arg#isola.init=} ;; esac
done
[ -x "/newroot$init" ] || fail "no $init in the root image"
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot "$init"
