#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds a Debian 12 guest for isola's pure cgroup v2 tests, from Debian packages only, and caches
# it under $ISOLA_GUEST_CACHE (default /var/cache/isola-guest)/<key>, where <key> hashes every input
# (this script, the guest init, the package list, the extra packages and customize script). A warm
# run finds the directory and builds nothing.
#
# Output (the directory is printed as the last line of stdout):
#   root.qcow2   the root file system (ext4, no partition table: the kernel mounts /dev/vda)
#   vmlinux      the uncompressed kernel (boots through qemu's PVH entry, ~2.5 s faster under TCG)
#   vmlinuz      the same kernel as Debian ships it (for boot loaders / libvirt)
#   initrd.img   a busybox initramfs: loads the virtio, ext4 and 9p modules, mounts /dev/vda, then
#                execs the root's /sbin/init (ISOLA_GUEST_INIT=... on the kernel command line
#                chooses another; the default root has only /sbin/isola-guest-init, see there)
#   cmdline      the kernel command line for pure cgroup v2
#   manifest     what went in: kernel package, Debian packages, key inputs
#
# Environment:
#   ISOLA_GUEST_CACHE           cache directory (default /var/cache/isola-guest)
#   ISOLA_GUEST_EXTRA_PACKAGES  more Debian packages for the root, space separated (part of the key)
#   ISOLA_GUEST_CUSTOMIZE       a script run on the host as `script ROOTFS_DIR` before the image is
#                               made, e.g. to add users or keys (its content is part of the key)
#   ISOLA_GUEST_SIZE            root image size (default 3G)
# Needs root and the Debian packages debootstrap, qemu-utils, e2fsprogs, cpio, busybox-static, xz-utils.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
cache="${ISOLA_GUEST_CACHE:-/var/cache/isola-guest}"
suite=bookworm
packages="openjdk-17-jre-headless iproute2 nftables util-linux busybox-static procps kmod python3"
extra="${ISOLA_GUEST_EXTRA_PACKAGES:-}"
customize="${ISOLA_GUEST_CUSTOMIZE:-}"
size="${ISOLA_GUEST_SIZE:-3G}"

log() { echo "build-image: $*" >&2; }

key="$( {
  cat "$here/build-image.sh" "$here/guest-init.sh" "$here/initramfs-init.sh"
  echo "suite=$suite packages=$packages extra=$extra size=$size"
  if [ -n "$customize" ]; then cat "$customize"; fi
} | sha256sum | cut -c1-16)"
out="$cache/$key"
if [ -f "$out/manifest" ]; then
  touch "$out/manifest" # marks it used: prune keeps the recently used images
  log "cached: $out"
  echo "$out"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || { log "must run as root (debootstrap, chroot)"; exit 1; }
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v qemu-img >/dev/null || need+=(qemu-utils)
command -v mkfs.ext4 >/dev/null || need+=(e2fsprogs)
command -v cpio >/dev/null || need+=(cpio)
command -v xz >/dev/null || need+=(xz-utils)
[ -x /bin/busybox ] || need+=(busybox-static)
if [ "${#need[@]}" -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The Debian mirror this host already uses (deb822 or one-line sources).
mirror="$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
if [ -z "$mirror" ]; then
  mirror="$(awk '$1 == "deb" && $3 ~ /^'"$suite"'$/ { print $2; exit }' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)"
fi
[ -n "$mirror" ] || { log "no Debian mirror found in /etc/apt/sources.list*"; exit 1; }

mkdir -p "$cache"
work="$(mktemp -d "$cache/.build-$key.XXXXXX")"
cleanup() {
  for m in proc sys dev; do umount -l "$work/rootfs/$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
start=$SECONDS

log "debootstrap $suite from the host's mirror into $work/rootfs"
incl="$(echo "$packages $extra" | xargs | tr ' ' ',')"
debootstrap --variant=minbase --include="$incl" "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -30 "$work/debootstrap.log" >&2; log "debootstrap failed"; exit 1; }

log "kernel: the versioned package linux-image-amd64 depends on, unpacked (not installed)"
kpkg="$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')"
[ -n "$kpkg" ] || { apt-get update -qq; kpkg="$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')"; }
(cd "$work" && apt-get download "$kpkg" >/dev/null 2>&1) || { log "apt-get download $kpkg failed"; exit 1; }
dpkg -x "$work"/"$kpkg"_*.deb "$work/kernel"
kver="${kpkg#linux-image-}"
mkdir -p "$work/rootfs/lib/modules"
cp -a "$work/kernel/lib/modules/$kver" "$work/rootfs/lib/modules/"
chroot "$work/rootfs" /sbin/depmod "$kver"
cp "$work/kernel/boot/vmlinuz-$kver" "$work/vmlinuz"

# vmlinux: the ELF inside the bzImage. Find the compressed payload by its magic and decompress it;
# the first candidate that yields an ELF file wins (the method of the kernel's extract-vmlinux).
extract_vmlinux() {
  local img=$1 dst=$2 magic tool off
  for spec in '\xfd7zXZ\x00:xz -dc' '\x28\xb5\x2f\xfd:zstd -dc' '\x1f\x8b\x08:gzip -dc'; do
    magic=${spec%%:*}
    tool=${spec#*:}
    for off in $(LC_ALL=C grep -obUaP "$magic" "$img" | cut -d: -f1 | head -5); do
      tail -c +$((off + 1)) "$img" | $tool >"$dst" 2>/dev/null || true
      if [ "$(head -c 4 "$dst" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
        return 0
      fi
    done
  done
  return 1
}
extract_vmlinux "$work/vmlinuz" "$work/vmlinux" || { log "cannot extract vmlinux from vmlinuz-$kver"; exit 1; }

log "guest init and settings"
install -m 0755 "$here/guest-init.sh" "$work/rootfs/sbin/isola-guest-init"
# Pid 1 for test runs is busybox's init (it reaps orphans, as systemd would on a host), started
# through a link named init; its inittab runs isola-guest-init once and nothing else.
mkdir -p "$work/rootfs/usr/lib/isola-guest"
ln -s /bin/busybox "$work/rootfs/usr/lib/isola-guest/init"
echo '::sysinit:/sbin/isola-guest-init' >"$work/rootfs/etc/inittab"
echo isola-guest >"$work/rootfs/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 isola-guest\n' >"$work/rootfs/etc/hosts"
mkdir -p "$work/rootfs/src" "$work/rootfs/run-share" "$work/rootfs/root/.m2"
# The JDK's class data sharing archive makes each JVM start faster under emulation.
chroot "$work/rootfs" sh -c 'java -Xshare:dump >/dev/null 2>&1 || true'
if [ -n "$customize" ]; then
  log "customize: $customize"
  "$customize" "$work/rootfs"
fi
chroot "$work/rootfs" apt-get clean
rm -rf "$work/rootfs/var/lib/apt/lists/"*

log "initramfs: busybox and the modules the root and the shares need, with their dependencies"
ird="$work/initramfs"
mkdir -p "$ird/bin" "$ird/lib/modules" "$ird/proc" "$ird/sys" "$ird/dev" "$ird/newroot"
cp /bin/busybox "$ird/bin/busybox"
install -m 0755 "$here/initramfs-init.sh" "$ird/init"
dep="$work/rootfs/lib/modules/$kver/modules.dep"
declare -A seen=()
order=()
add_module() { # depth-first: dependencies first
  local name=$1 line path d
  line="$(grep -E "(^|/)${name}\.ko(\.[a-z]+)?:" "$dep" | head -1)" || true
  [ -n "$line" ] || return 0 # built in
  path=${line%%:*}
  [ -z "${seen[$path]:-}" ] || return 0
  seen[$path]=1
  for d in ${line#*:}; do
    add_module "$(basename "$d" | sed 's/\.ko.*//')"
  done
  order+=("$path")
}
for m in virtio_pci virtio_blk virtio_console crc32c_generic ext4 9p 9pnet_virtio; do add_module "$m"; done
: >"$ird/lib/modules/load"
for p in "${order[@]}"; do
  f="$(basename "$p")"
  case "$f" in
    *.xz) xz -dc "$work/rootfs/lib/modules/$kver/$p" >"$ird/lib/modules/${f%.xz}"; f=${f%.xz} ;;
    *.zst) zstd -qdc "$work/rootfs/lib/modules/$kver/$p" >"$ird/lib/modules/${f%.zst}"; f=${f%.zst} ;;
    *) cp "$work/rootfs/lib/modules/$kver/$p" "$ird/lib/modules/$f" ;;
  esac
  echo "$f" >>"$ird/lib/modules/load"
done
(cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.img"

log "root image ($size, ext4) and qcow2"
truncate -s "$size" "$work/root.img"
mkfs.ext4 -q -F -L isola-root -d "$work/rootfs" "$work/root.img"
qemu-img convert -O qcow2 "$work/root.img" "$work/root.qcow2"
rm -f "$work/root.img"

echo "console=ttyS0 tsc=reliable panic=-1 cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1 root=/dev/vda rw" >"$work/cmdline"
{
  echo "key=$key"
  echo "suite=$suite"
  echo "kernel=$kpkg ($(dpkg-deb -f "$work"/"$kpkg"_*.deb Version))"
  echo "packages=$packages"
  echo "extra=$extra"
  echo "customize=$customize"
  echo "built=$(date -u +%FT%TZ) in $((SECONDS - start)) s"
  echo "modules=$(tr '\n' ' ' <"$ird/lib/modules/load")"
  echo "java=$(chroot "$work/rootfs" dpkg-query -W -f '${Version}' openjdk-17-jre-headless)"
} >"$work/manifest.tmp"

final="$work.done"
mkdir "$final"
mv "$work/root.qcow2" "$work/vmlinux" "$work/vmlinuz" "$work/initrd.img" "$work/cmdline" "$final/"
mv "$work/manifest.tmp" "$final/manifest"
rm -rf "$out"
mv "$final" "$out"
# Keep the three most recently used images (each ~0.8 GiB); drop older ones and dead builds.
ls -1dt "$cache"/*/manifest 2>/dev/null | tail -n +4 | while read -r m; do rm -rf "$(dirname "$m")"; done
find "$cache" -maxdepth 1 -name '.build-*' -mmin +120 -exec rm -rf {} + 2>/dev/null || true
log "built $out in $((SECONDS - start)) s"
echo "$out"
