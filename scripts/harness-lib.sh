# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154,SC2034
#
# Shared by the harnesses that run a real hypervisor under QEMU
# (xen-harness.sh, kvm-harness.sh): Debian packages fetched with
# "apt-get download" and unpacked without installing them, and an
# initramfs image assembled from them and from the host's own binaries.
#
# The caller sets hdir (its cache directory) and name (its message
# prefix) before sourcing this file.

# harness_args OPT METAVAR DEFAULT ARGS...: the options every harness
# takes (--log FILE, --guest-log FILE) and its own one (OPT METAVAR),
# then BZIMAGE INITRAMFS [GUEST KERNEL ARGS...]. Sets log and guest_log
# (defaults in $hdir), opt (DEFAULT when OPT is absent), bzimage,
# initramfs and extra (the guest's arguments); exits 2 with a usage line
# when an argument is missing.
harness_args() {
	local o=$1 meta=$2

	opt=$3
	shift 3
	log=$hdir/run.log
	guest_log=$hdir/guest.log
	while [ $# -gt 0 ]; do
		case "$1" in
		--log) log=$2; shift ;;
		--guest-log) guest_log=$2; shift ;;
		"$o") opt=$2; shift ;;
		*) break ;;
		esac
		shift
	done
	if [ $# -lt 2 ]; then
		echo "usage: $0 [--log FILE] [--guest-log FILE] [$o $meta] BZIMAGE INITRAMFS [ARGS...]" >&2
		exit 2
	fi
	bzimage=$1
	initramfs=$2
	shift 2
	extra="$*"
}

# kvm_hist LOG EVENT [KEY]: how often the KVM harness's histogram of
# KVM's trace event EVENT counted KEY over the guest's workload, from its
# "kvm-host: EVENT by FIELD: KEY COUNT ..." line in LOG; every key's
# count summed without KEY; 0 when there is no such line.
kvm_hist() {
	grep -a "^kvm-host: $2 by " "$1" | tr -d '\r' | sed 's/^[^:]*: [^:]*://' |
		awk -v k="${3-}" '{ for (i = 1; i < NF; i += 2) if (k == "" || $i == k) n += $(i + 1) }
				  END { print n + 0 }'
}

say() {
	echo "$name: $*"
}

# watch_qemu PID SECS SILENT PROGRESS STUCK: wait for one run's QEMU, PID.
# The function PROGRESS prints where the run stands (a size, a count of
# lines); when it prints the same for SECS seconds in a row, or when the
# function STUCK (may be empty) prints a reason, QEMU is stopped and
# watch_qemu fails with the reason in $why ("SILENT for N s" for the
# first). Under emulated SVM a lost run otherwise lasts until its time
# limit.
watch_qemu() {
	local pid=$1 secs=$2 silent=$3 progress=$4 stuck=$5 seen="" p moved now

	moved=$(date +%s)
	why=""
	while kill -0 "$pid" 2> /dev/null; do
		now=$(date +%s)
		p=$($progress)
		if [ "$p" != "$seen" ]; then
			seen=$p
			moved=$now
		elif [ $((now - moved)) -ge "$secs" ]; then
			why="$silent for $((now - moved)) s"
		fi
		[ -n "$why" ] || [ -z "$stuck" ] || why=$($stuck)
		if [ -n "$why" ]; then
			kill "$pid" 2> /dev/null || true
			wait "$pid" || true
			return 1
		fi
		sleep 2
	done
	wait "$pid" || true
}

# The newest stock Debian 6.1 kernel the archive offers, chosen once per
# cache so that every run boots the same one.
debian_kernel_pkg() {
	if [ ! -s "$hdir/host-kernel" ]; then
		apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' |
			awk '{ print $1 }' | sort -V | tail -1 > "$hdir/host-kernel.tmp"
		[ -s "$hdir/host-kernel.tmp" ] || { say "no Debian 6.1 kernel in the archive"; return 1; }
		mv "$hdir/host-kernel.tmp" "$hdir/host-kernel"
	fi
	cat "$hdir/host-kernel"
}

# fetch_pkgs PKG...: download what is missing into $hdir/debs and unpack
# them all into $hdir/root, once.
fetch_pkgs() {
	local pkg

	[ -f "$hdir/root/.complete" ] && return 0
	mkdir -p "$hdir/debs"
	for pkg in "$@"; do
		if ! ls "$hdir/debs/${pkg}_"*.deb > /dev/null 2>&1; then
			say "downloading $pkg"
			(cd "$hdir/debs" && apt-get download -q "$pkg" > /dev/null 2>&1) ||
				{ say "cannot download $pkg (apt-get update first?)"; return 1; }
		fi
	done
	rm -rf "$hdir/root"
	mkdir -p "$hdir/root"
	for pkg in "$hdir"/debs/*.deb; do
		dpkg -x "$pkg" "$hdir/root"
	done
	touch "$hdir/root/.complete"
}

# add_file SRC DST: copy SRC into the image being built ($img) as DST.
add_file() {
	[ -e "$img$2" ] && return 0
	mkdir -p "$img$(dirname "$2")"
	cp -L "$1" "$img$2"
}

# add_elf SRC DST: copy a program and the shared libraries it needs,
# looked up among the unpacked packages first, then on the host.
add_elf() {
	local src=$1 dst=$2 lib libs=$hdir/root/usr/lib/x86_64-linux-gnu

	mkdir -p "$img$(dirname "$dst")"
	cp -L "$src" "$img$dst"
	if LD_LIBRARY_PATH=$libs ldd "$src" | grep "not found"; then
		say "${src##*/} needs libraries the host lacks (install qemu-system-x86)"
		return 1
	fi
	LD_LIBRARY_PATH=$libs ldd "$src" |
		awk '/=> \// { print $3 } /^\t\/lib64/ { print $1 }' |
		while read -r lib; do
			case "$lib" in
			"$hdir/root"/*) add_file "$lib" "${lib#"$hdir/root"}" ;;
			*) add_file "$lib" "$lib" ;;
			esac
		done
}

# pack_image OUT: the image as a gzip'd newc archive, owned by root.
pack_image() {
	(cd "$img" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$1.tmp"
	mv "$1.tmp" "$1"
}
