#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the `linux` machine's box, isola/debian12-cgroup2, offline from Debian packages, and adds
# it to vagrant (libvirt provider). The image is the cgroup v2 guest of vagrant/linux-guest/
# (build-image.sh: Debian 12, the Debian kernel booted with cgroup_no_v1=all), with systemd, ssh,
# the vagrant user (customize.sh) and what provision.sh would install (JDK 17, Maven, gcc), since
# the machine has no network beyond the host.
#
# A box is a tarball of metadata.json + Vagrantfile + box.img; the root has no boot loader, so the
# box also carries the kernel and initramfs and its Vagrantfile has libvirt boot them directly,
# with systemd named as init (the initramfs checks /sbin/init inside its own root, and in the image
# it is an absolute symbolic link to /lib/systemd/systemd).
# Usage: vagrant/box/build-box.sh [--no-add]     (root; prints the box file)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
name=isola/debian12-cgroup2
export ISOLA_GUEST_EXTRA_PACKAGES="systemd-sysv udev openssh-server sudo rsync maven gcc libc6-dev openjdk-17-jdk-headless"
export ISOLA_GUEST_CUSTOMIZE="$here/customize.sh"
export ISOLA_GUEST_SIZE="${ISOLA_GUEST_SIZE:-6G}"
[ "$(id -u)" -eq 0 ] || { echo "build-box: must run as root" >&2; exit 1; }
command -v vagrant >/dev/null || { echo "build-box: needs vagrant (apt-get install vagrant vagrant-libvirt)" >&2; exit 1; }

img="$("$here/../linux-guest/build-image.sh" | tail -1)"
key="$(basename "$img")"
out="${ISOLA_BOX_DIR:-/var/cache/isola-box}"
box="$out/debian12-cgroup2-$key.box"
if [ ! -f "$box" ]; then
  work="$(mktemp -d "$out.XXXXXX" 2>/dev/null || { mkdir -p "$(dirname "$out")"; mktemp -d "$out.XXXXXX"; })"
  trap 'rm -rf "$work"' EXIT
  size_g=$(( ($(qemu-img info --output=json "$img/root.qcow2" | sed -n 's/.*"virtual-size": *\([0-9]*\).*/\1/p') + (1 << 30) - 1) >> 30 ))
  printf '{"provider": "libvirt", "format": "qcow2", "virtual_size": %d}\n' "$size_g" >"$work/metadata.json"
  ln -s "$img/root.qcow2" "$work/box.img"
  ln -s "$img/vmlinuz" "$work/vmlinuz"
  ln -s "$img/initrd.img" "$work/initrd.img"
  echo "$key" >"$work/key"
  cp "$img/manifest" "$work/manifest"
  cat >"$work/Vagrantfile" <<EOF
# isola/debian12-cgroup2 (image $key, see manifest): no boot loader in the image, libvirt boots
# the Debian kernel and the initramfs carried by the box, with cgroup v1 disabled.
require "fileutils"
box_dir = File.dirname(__FILE__)
boot = box_dir
# qemu runs as libvirt-qemu and cannot read a box under a 0700 home: copy the two files to
# libvirt's own boot directory when it is writable.
if File.writable?("/var/lib/libvirt/boot")
  boot = "/var/lib/libvirt/boot/isola-$key"
  unless File.exist?(File.join(boot, "initrd.img"))
    FileUtils.mkdir_p(boot)
    FileUtils.cp([File.join(box_dir, "vmlinuz"), File.join(box_dir, "initrd.img")], boot)
  end
end
Vagrant.configure("2") do |config|
  config.vm.provider :libvirt do |v|
    v.kernel = File.join(boot, "vmlinuz")
    v.initrd = File.join(boot, "initrd.img")
    v.cmd_line = "$(cat "$img/cmdline") isola.init=/lib/systemd/systemd"
  end
end
EOF
  mkdir -p "$out"
  tar -C "$work" -chf - metadata.json Vagrantfile box.img vmlinuz initrd.img key manifest | cat >"$box.tmp"
  mv "$box.tmp" "$box"
  ls -1t "$out"/*.box | tail -n +3 | while read -r b; do rm -f "$b" "$b.json"; done # keep the two newest
fi
if [ "${1:-}" != --no-add ]; then
  # Versioned by the box file's time: vagrant-libvirt names the volume it uploads the image to by
  # box name and version, so a rebuilt box must not reuse an older version's volume.
  version="1.0.$(date -u -r "$box" +%Y%m%d%H%M%S)"
  printf '{"name": "%s", "versions": [{"version": "%s", "providers": [{"name": "libvirt", "url": "file://%s"}]}]}\n' \
    "$name" "$version" "$box" >"$box.json"
  vagrant box list | grep -q "^$name .*libvirt, $version)" || vagrant box add "$box.json" >&2
  vagrant box prune --name "$name" --force --keep-active-boxes >/dev/null 2>&1 || true # needs a running libvirtd
fi
echo "$box"
