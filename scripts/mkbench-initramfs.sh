#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the bench initramfs: the static workload program
# (tests/bench/workload.c) as /init, packed with the kernel tree's own
# gen_init_cpio so that no root privileges are needed.
#
# usage: mkbench-initramfs.sh OUT.cpio
set -eu
: "${PVLAYER_CACHE:=/var/cache/pvlayer}"
: "${TREE:=$PVLAYER_CACHE/linux-source-6.12}"

out=$1
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gcc -static -O2 -Wall -pthread -o "$work/init" "$top/tests/bench/workload.c"
gcc -O2 -o "$work/gen_init_cpio" "$TREE/usr/gen_init_cpio.c"
cat > "$work/list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
file /init $work/init 0755 0 0
LIST
"$work/gen_init_cpio" "$work/list" > "$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $out"
