#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build an initramfs: a static /init and the few nodes it needs, packed
# with the kernel tree's own gen_init_cpio so that no root privileges are
# needed.
#
# usage: mkinitramfs.sh [--init SOURCE] OUT.cpio
#
# By default /init is tests/init/init.c and the test module of the
# layer-on build is added; with --init (the bench's workload) the
# initramfs holds that program and the bench module of the layer-on build.
set -eu
: "${PVLAYER_CACHE:=/var/cache/pvlayer}"
: "${TREE:=$PVLAYER_CACHE/linux-source-6.12}"
: "${BUILD_ON:=$PVLAYER_CACHE/build-on}"

top=$(cd "$(dirname "$0")/.." && pwd)
init_src=$top/tests/init/init.c
test_files=1
if [ "$1" = "--init" ]; then
	init_src=$2
	test_files=0
	shift 2
fi
out=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gcc -static -O2 -Wall -pthread -o "$work/init" "$init_src"
gcc -O2 -o "$work/gen_init_cpio" "$TREE/usr/gen_init_cpio.c"
cat > "$work/list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod /dev/kmsg 0644 0 0 c 1 11
nod /dev/port 0600 0 0 c 1 4
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /sys/kernel 0755 0 0
dir /sys/kernel/debug 0755 0 0
dir /root 0700 0 0
file /init $work/init 0755 0 0
LIST
# The test module, when the layer-on kernel has been built with it.
ko=$BUILD_ON/arch/x86/paravirt/tests/module/pv_test_module.ko
if [ $test_files = 1 ] && [ -f "$ko" ]; then
	echo "file /pv_test_module.ko $ko 0644 0 0" >> "$work/list"
fi
ko=$BUILD_ON/arch/x86/paravirt/tests/bench/pv_bench_module.ko
if [ $test_files = 0 ] && [ -f "$ko" ]; then
	echo "file /pv_bench_module.ko $ko 0644 0 0" >> "$work/list"
fi
"$work/gen_init_cpio" "$work/list" > "$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $out"
