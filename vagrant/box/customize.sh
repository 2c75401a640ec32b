#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Turns the cgroup v2 guest root (vagrant/linux-guest/build-image.sh) into a Vagrant box root:
# called by the image builder as `customize.sh ROOTFS_DIR` (ISOLA_GUEST_CUSTOMIZE), on the host.
# What a box needs (shared reference linux-test-vm.md): systemd with udev, ssh, sudo, rsync, the
# `vagrant` user with Vagrant's well-known insecure key (vagrant replaces it on first `up`), an
# empty /etc/machine-id (else every machine gets the same DHCP lease) and DHCP on the first NIC.
set -euo pipefail
root=$1
key="${ISOLA_BOX_PUBKEY:-$(ls /usr/share/rubygems-integration/all/gems/vagrant-*/keys/vagrant.pub \
  /opt/vagrant/embedded/gems/gems/vagrant-*/keys/vagrant.pub 2>/dev/null | head -1 || true)}"
[ -n "$key" ] && [ -f "$key" ] || { echo "customize: vagrant's insecure public key not found (install vagrant, or set ISOLA_BOX_PUBKEY)" >&2; exit 1; }

chroot "$root" useradd -m -s /bin/bash -U vagrant
install -d -m 0700 -o 1000 -g 1000 "$root/home/vagrant/.ssh"
install -m 0600 -o 1000 -g 1000 "$key" "$root/home/vagrant/.ssh/authorized_keys"
echo 'vagrant ALL=(ALL) NOPASSWD: ALL' >"$root/etc/sudoers.d/vagrant"
chmod 0440 "$root/etc/sudoers.d/vagrant"
echo 'UseDNS no' >"$root/etc/ssh/sshd_config.d/vagrant.conf"

: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
# The initramfs mounts /dev/vda read-write; nothing else to mount.
echo '/dev/vda / ext4 rw,relatime 0 1' >"$root/etc/fstab"
mkdir -p "$root/etc/systemd/network"
printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n' >"$root/etc/systemd/network/80-dhcp.network"
chroot "$root" systemctl enable systemd-networkd ssh >/dev/null 2>&1
# Host keys made at first boot, not shared by every machine made from the box.
rm -f "$root"/etc/ssh/ssh_host_*
mkdir -p "$root/etc/systemd/system/ssh.service.d"
printf '[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n' >"$root/etc/systemd/system/ssh.service.d/hostkeys.conf"
# The builder's busybox inittab is for its own test runs; the box boots systemd (the box's kernel
# command line names it with isola.init=, build-box.sh).
chroot "$root" sh -c 'test -x /lib/systemd/systemd'
