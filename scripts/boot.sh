#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel under QEMU (TCG) with the test initramfs.
#
# usage: boot.sh [--summary] [--log FILE] [--bios seabios|qboot]
#                [--initrd FILE] [--tcg-threads multi|single]
#                [--qemu-arg ARG]... BZIMAGE [KERNEL ARGS...]
#
# The guest's console goes to FILE (default: a temporary file). --initrd
# replaces the test initramfs ($PVLAYER_CACHE/initramfs.cpio). With
# --summary, only the layer's lines, the init's failed checks and the
# end of the boot are shown.
# Exits non-zero if the guest did not reach user space.
#
# --tcg-threads single runs every vCPU in one host thread. A kernel with
# jump labels needs it here: under multi-threaded TCG (QEMU 7.2) a vCPU
# that translates a block while another vCPU rewrites it with
# text_poke_bp() can keep the block's int3, and every CPU then dies on it
# ("Oops: int3"), with or without the layer (see Documentation/testing.rst).
# -icount implies it: QEMU has no multi-threaded TCG with icount.
set -eu
: "${PVLAYER_CACHE:=/var/cache/pvlayer}"
: "${TREE:=$PVLAYER_CACHE/linux-source-6.12}"

summary=0
log=""
initrd=$PVLAYER_CACHE/initramfs.cpio
bios=qboot
qargs=""
threads=${TCG_THREADS:-multi}
while [ $# -gt 0 ]; do
	case "$1" in
	--summary) summary=1 ;;
	--log) log=$2; shift ;;
	--bios) bios=$2; shift ;;
	--initrd) initrd=$2; shift ;;
	--qemu-arg) qargs="$qargs $2"; shift ;;
	--tcg-threads) threads=$2; shift ;;
	*) break ;;
	esac
	shift
done
kernel=$1
shift
[ -n "$log" ] || log=$(mktemp)

# QEMU refuses -icount with more than one TCG thread.
case "$qargs" in
*-icount*) threads=single ;;
esac

case "$threads" in
multi|single) ;;
*) echo "boot: --tcg-threads takes multi or single, not $threads" >&2; exit 2 ;;
esac

case "$bios" in
qboot) biosarg="-bios qboot.rom" ;;
seabios) biosarg="" ;;
*) echo "boot: unknown firmware $bios" >&2; exit 2 ;;
esac

# no_timer_check: the kernel's check that the IO-APIC delivers the timer
# interrupt counts ticks over a delay loop calibrated earlier; under TCG on
# a loaded host the loop can end before the ticks come, and the kernel
# panics ("IO-APIC + timer doesn't work!"), though QEMU's timer works.
#
# A guest still running after BOOT_TIMEOUT seconds has stopped making
# progress: before QEMU is stopped, the log gets where each vCPU is
# (scripts/hang-dump.py, through QEMU's monitor).
limit=$(( ${BOOT_TIMEOUT:-600} * 5 ))
mon=$(mktemp -u "${TMPDIR:-/tmp}/pvboot-monitor.XXXXXX")
vmlinux=$(dirname "$kernel")/../../../vmlinux
[ -f "$vmlinux" ] || vmlinux=""

# shellcheck disable=SC2086
qemu-system-x86_64 -machine q35 -accel tcg,thread="$threads" -cpu max \
	-smp "${SMP:-4}" -m 1G -nographic -no-reboot -display none -nic none \
	-monitor "unix:$mon,server=on,wait=off" \
	$biosarg $qargs \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 oops=panic printk.devkmsg=on no_timer_check $*" \
	< /dev/null > "$log" 2>&1 &
qemu=$!
ticks=0
while kill -0 "$qemu" 2>/dev/null; do
	if [ "$ticks" -ge "$limit" ]; then
		# shellcheck disable=SC2086
		python3 "$(dirname "$0")/hang-dump.py" "$mon" $vmlinux \
			> "$mon.hang" 2>&1 || true
		kill "$qemu" 2>/dev/null || true
		break
	fi
	sleep 0.2
	ticks=$((ticks + 1))
done
wait "$qemu" 2>/dev/null || true
if [ -f "$mon.hang" ]; then
	echo "boot: no end after ${BOOT_TIMEOUT:-600} s; where the vCPUs were:" >> "$log"
	cat "$mon.hang" >> "$log"
fi
rm -f "$mon" "$mon.hang"

if [ "$summary" = 1 ]; then
	grep -a -E "paravirt|Booting paravirtualized|pvlayer-init: (not ok|user space)|Kernel panic|BUG:|WARNING:|^boot: no end|^hang: " "$log" || true
fi
grep -a -q "pvlayer-init: user space reached" "$log"
