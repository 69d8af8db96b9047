#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# KVM's counters for the same workload in three guests of a real KVM
# (scripts/kvm-harness.sh): the layer's kernel of Debian's configuration,
# the pristine tree's kernel of the same configuration, and the layer's
# again with PV EOI hidden from the guest (-cpu host,-kvm-pv-eoi), which
# shows the exits PV EOI saves. The workload is the test init's
# pvlayer.kvm_workload (unmaps, then expedited memory barriers, on CPU 0
# with a thread on each other CPU, then a thread per CPU contending for
# one spinlock), with IPI shorthands off so that an IPI to several CPUs
# takes the APIC driver's mask path; KUnit is off in all three.
#
# usage: kvm-compare.sh LAYER_BZIMAGE UPSTREAM_BZIMAGE INITRAMFS [ROUNDS]
#
# Prints one table of counter increases over the workload, one row per
# debugfs counter, then the hypercalls by number, the MSR and VMMCALL
# exits, the x2APIC ICR and EOI writes, and all EOIs and those that took
# the PV EOI path, from the harness's histograms; and ends with the exits
# of the layer's and the pristine kernel's. Logs go to
# $PVLAYER_CACHE/logs/kvm-compare-*.
set -eu

: "${PVLAYER_CACHE:=/var/cache/pvlayer}"
[ $# -ge 3 ] || { echo "usage: $0 LAYER_BZIMAGE UPSTREAM_BZIMAGE INITRAMFS [ROUNDS]" >&2; exit 2; }
layer=$1
upstream=$2
initramfs=$3
rounds=${4:-2000}
logs=$PVLAYER_CACHE/logs
mkdir -p "$logs"
here=$(dirname "$0")
# shellcheck source=scripts/harness-lib.sh
. "$here/harness-lib.sh"

# run NAME BZIMAGE [HARNESS OPTIONS]: one guest; its workload's counters
# and what the histograms of KVM's trace events counted go to
# $logs/kvm-compare-NAME.counters as "NAME DELTA" lines.
run() {
	local name=$1 image=$2
	local h=$logs/kvm-compare-$name-host.log c=$logs/kvm-compare-$name.counters

	shift 2
	echo "kvm-compare: $name"
	"$here/kvm-harness.sh" "$@" --log "$h" \
		--guest-log "$logs/kvm-compare-$name-guest.log" "$image" "$initramfs" \
		kunit.enable=0 no_ipi_broadcast=1 "pvlayer.kvm_workload=$rounds" |
		sed 's/^/  /'
	grep -a "^kvm-host: workload:" "$h" | tr -d '\r+' | cut -d: -f3- |
		xargs -n2 > "$c"
	[ -s "$c" ] || { echo "kvm-compare: $name: no counters (see $h)"; return 1; }
	{
		echo "hc:SEND_IPI(10) $(kvm_hist "$h" kvm_hypercall 10)"
		echo "hc:KICK_CPU(5) $(kvm_hist "$h" kvm_hypercall 5)"
		echo "hc:SCHED_YIELD(11) $(kvm_hist "$h" kvm_hypercall 11)"
		echo "exit:MSR $(kvm_hist "$h" kvm_exit 124)"
		echo "exit:VMMCALL $(kvm_hist "$h" kvm_exit 129)"
		echo "msr:x2APIC_ICR(0x830) $(kvm_hist "$h" kvm_msr 2096)"
		echo "msr:x2APIC_EOI(0x80b) $(kvm_hist "$h" kvm_msr 2059)"
		echo "EOIs $(kvm_hist "$h" kvm_eoi)"
		echo "PV_EOIs $(kvm_hist "$h" kvm_pv_eoi)"
	} >> "$c"
}

run layer "$layer"
run upstream "$upstream"
run layer-no-pv-eoi "$layer" --cpu host,-kvm-pv-eoi

echo
printf "%-28s %12s %12s %16s\n" counter layer upstream "layer, no PV EOI"
while read -r counter value; do
	up=$(awk -v c="$counter" '$1 == c { print $2 }' "$logs/kvm-compare-upstream.counters")
	ne=$(awk -v c="$counter" '$1 == c { print $2 }' "$logs/kvm-compare-layer-no-pv-eoi.counters")
	printf "%-28s %12s %12s %16s\n" "$counter" "$value" "${up:--}" "${ne:--}"
done < "$logs/kvm-compare-layer.counters"
le=$(awk '$1 == "exits" { print $2 }' "$logs/kvm-compare-layer.counters")
ue=$(awk '$1 == "exits" { print $2 }' "$logs/kvm-compare-upstream.counters")
echo
echo "kvm-compare: exits over the workload: layer $le, pristine tree $ue"
