#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel as a guest of a real KVM, itself running in a stock Debian
# kernel under QEMU (TCG, with SVM emulated), keep the guest's console and
# KVM's counters of what the guest asked of it.
#
# usage: kvm-harness.sh [--log FILE] [--guest-log FILE] [--cpu MODEL]
#                       BZIMAGE INITRAMFS [GUEST KERNEL ARGS...]
#
# L0 is this machine's QEMU: -cpu qemu64,+svm,+npt. L1 is Debian's stock
# 6.1 kernel (linux-image-6.1.0-*-amd64-unsigned, fetched with "apt-get
# download", never installed) with an initramfs holding busybox-static,
# the modules kvm-amd needs, and this machine's qemu-system-x86_64 with
# the libraries it links. L1's init loads kvm-amd and runs the guest (L2)
# with -enable-kvm -cpu MODEL (default "host") on $KVM_VCPUS vCPUs
# (default 3, on L1's 2 CPUs: a flush IPI then has several targets, which
# is what PV IPIs serve, and KVM preempts vCPUs, which is what PV TLB
# flush, PV spinlocks and steal time serve).
#
# The test init marks the start and the end of its workload (with
# pvlayer.kvm_workload on the command line) by a letter on the guest's
# second serial port, a pipe in L1, and waits for a byte back. In between,
# L1 reads KVM's counters in its debugfs (/sys/kernel/debug/kvm: they
# exist only while the guest's VM does) and starts or stops histograms of
# KVM's trace events, so both bracket the workload exactly however slowly
# L1 runs. It prints
#
#   kvm-host: counters at start: NAME VALUE ...
#   kvm-host: counters at end: NAME VALUE ...
#   kvm-host: workload: NAME +DELTA ...
#
# and, from histograms of KVM's trace events over the same interval,
#
#   kvm-host: kvm_hypercall by nr: NR COUNT ...
#   kvm-host: kvm_exit by exit_reason: REASON COUNT ...
#   kvm-host: kvm_eoi by apicid: ID COUNT ...       (every EOI)
#   kvm-host: kvm_pv_eoi by apicid: ID COUNT ...    (EOIs through PV EOI)
#
# on L1's console, which is L0's serial port, kept in the --log FILE. The
# guest's console (its ttyS0, a file in L1) is printed there after the
# guest ends, each line after "L2| ", and goes alone to --guest-log FILE.
# Exits non-zero if it lacks "pvlayer-init: user space reached".
#
# Runs under QEMU's emulation of SVM are often lost (about half the runs
# in December 2026, with the pristine kernel too): an L1 CPU stays stuck
# (L1's watchdog reports a soft lockup or RCU a stall), L1 freezes (its
# console is silent for 150 s), L1's kernel panics, L1 or the guest ends
# mid-boot without a word, or its console stops for three minutes. Such a
# run is stopped, kept as --log FILE.lost-N, reported, and tried again,
# up to $KVM_TRIES (default 2) runs in all. Each run is bounded by
# $KVM_TIMEOUT seconds (default 1500).
set -eu

: "${PVLAYER_CACHE:=/var/cache/pvlayer}"
: "${KVM_TIMEOUT:=1500}"
: "${KVM_VCPUS:=3}"
: "${KVM_TRIES:=2}"
hdir=$PVLAYER_CACHE/kvm
name=kvm-harness
# shellcheck source=scripts/harness-lib.sh
. "$(dirname "$0")/harness-lib.sh"

harness_args --cpu MODEL host "$@"
cpu=$opt
guest_args="console=ttyS0 panic=-1 oops=panic printk.devkmsg=on $extra"

# KVM's counters the harness reports, as L1's debugfs names them.
COUNTERS="exits hypercalls halt_exits halt_wakeup irq_exits irq_window_exits
io_exits mmio_exits signal_exits request_irq_exits irq_injections
nmi_injections tlb_flush remote_tlb_flush directed_yield_attempted
directed_yield_successful preemption_reported"

# --- L1's image ------------------------------------------------------------------

# The init of L1: a busybox shell script. @1: guest kernel arguments,
# @2: -cpu model, @3: time limit of the guest in seconds, @4: its vCPUs.
l1_init() {
	cat <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
guest_args="$1"
cpu="$2"
limit=$3
vcpus=$4
counters="$(echo "$COUNTERS" | tr "\n" " ")"
INIT
	cat <<'INIT'
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing
mods=/lib/modules/$(uname -r)/kernel
for m in virt/lib/irqbypass drivers/crypto/ccp/ccp arch/x86/kvm/kvm \
	 arch/x86/kvm/kvm-amd; do
	insmod $mods/$m.ko || echo "kvm-host: insmod ${m##*/} failed"
done
if [ ! -c /dev/kvm ]; then
	echo "kvm-host: no /dev/kvm"
	poweroff -f
fi
grep -q svm /proc/cpuinfo && echo "kvm-host: SVM present, kvm_amd loaded"

snapshot() {
	local c line=""

	for c in $counters; do
		[ -r /sys/kernel/debug/kvm/$c ] &&
			line="$line $c $(cat /sys/kernel/debug/kvm/$c)"
	done
	echo "$line"
}

# KVM's trace events, counted by key in histograms while the workload
# runs: hypercalls by number, exits by reason, MSR accesses by MSR, EOIs
# (all, and those that came through PV EOI without an exit) by APIC ID.
# The histograms are set up, paused, before the guest starts and only
# cleared, continued and paused at the markers: adding or removing a
# trigger patches L1's kernel text, which waits for every L1 CPU, and an
# L1 CPU running the guest under emulated SVM can take long to answer
# (L1's watchdog then reports its own CPU stuck).
T=/sys/kernel/tracing/events/kvm
hists="kvm_hypercall:nr kvm_exit:exit_reason kvm_msr:ecx kvm_eoi:apicid kvm_pv_eoi:apicid"
hists_ctl() {
	local h

	for h in $hists; do
		echo "hist:keys=${h#*:}$1" >> $T/${h%%:*}/trigger ||
			echo "kvm-host: cannot set histogram of ${h%%:*} ($1)"
	done
}
hists_show() {
	local h line

	for h in $hists; do
		line=$(grep "^{" $T/${h%%:*}/hist 2>/dev/null | tr -d "{}:" |
			awk '{ printf " %s %s", $2, $4 }')
		echo "kvm-host: ${h%%:*} by ${h#*:}:$line"
	done
}
hists_ctl :pause

# The guest's COM2 is a pipe: the guest sends a marker's first letter on
# it and waits for a byte back. Between the two, the counters are read.
# marker LETTER: wait for it, skipping anything else the port carries.
marker() {
	local m n=0

	while [ $n -lt 64 ]; do
		m=$(dd if=/tmp/ack.out bs=1 count=1 2>/dev/null; echo .)
		[ "$m" != . ] || break
		m=${m%.}
		[ "$m" = "$1" ] && return 0
		n=$((n + 1))
	done
	echo "kvm-host: no marker $1 from the guest"
	return 1
}
ack() {
	echo g > /tmp/ack.in
}
counters_at() {
	local before after c b a line=""

	marker s || return
	before=$(snapshot)
	hists_ctl :clear
	hists_ctl :cont
	ack
	marker e || return
	after=$(snapshot)
	hists_ctl :pause
	ack
	hists_show
	echo "kvm-host: counters at start:$before"
	echo "kvm-host: counters at end:$after"
	for c in $counters; do
		b=$(echo "$before" | tr ' ' '\n' | grep -A1 -x "$c" | tail -1)
		a=$(echo "$after" | tr ' ' '\n' | grep -A1 -x "$c" | tail -1)
		[ -n "$b" ] && [ -n "$a" ] && line="$line $c +$((a - b))"
	done
	echo "kvm-host: workload:$line"
}

# The guest: its console is a file; KVM's counters are read while it runs.
: > /tmp/l2.log
mkfifo /tmp/ack.in /tmp/ack.out
start=$(cut -d. -f1 /proc/uptime)
qemu-system-x86_64 -enable-kvm -machine pc -cpu "$cpu" -smp "$vcpus" -m 512 \
	-nographic -vga none -nic none -no-reboot -monitor none \
	-serial file:/tmp/l2.log -chardev pipe,id=ack,path=/tmp/ack \
	-serial chardev:ack \
	-kernel /guest/bzImage -initrd /guest/initramfs.cpio \
	-append "$guest_args" > /tmp/qemu.log 2>&1 &
qemu=$!
echo "kvm-host: guest started (-cpu $cpu -smp $vcpus)"
counters_at &
watcher=$!
last=0
size=0
moved=0
while kill -0 $qemu 2>/dev/null; do
	t=$(($(cut -d. -f1 /proc/uptime) - start))
	if [ $((t - last)) -ge 30 ]; then
		last=$t
		echo "kvm-host: guest running for $t s, $(wc -l < /tmp/l2.log) lines, last: $(tail -n 1 /tmp/l2.log | tr -d '\r' | cut -c1-100)"
	fi
	sz=$(wc -c < /tmp/l2.log)
	if [ "$sz" != "$size" ]; then
		size=$sz
		moved=$t
	elif [ $((t - moved)) -ge 180 ]; then
		echo "kvm-host: guest silent for $((t - moved)) s, stopping it"
		kill $qemu
		break
	fi
	if [ $t -ge $limit ]; then
		echo "kvm-host: guest still running after $t s, stopping it"
		kill $qemu
		break
	fi
	sleep 1
done
wait $qemu
echo "kvm-host: guest ended after $(($(cut -d. -f1 /proc/uptime) - start)) s"
kill $watcher 2>/dev/null
sed 's/^/kvm-host: qemu: /' /tmp/qemu.log | tail -20
tr -d '\r' < /tmp/l2.log | sed 's/^/L2| /'
sync
poweroff -f
INIT
}

l1_image() {
	local kver r=$hdir/root stamp

	# rebuilt when this script, its library or the packages change
	stamp=$( (cat "$0" "$(dirname "$0")/harness-lib.sh" /usr/bin/qemu-system-x86_64;
		  ls "$hdir/debs") | sha1sum | cut -c1-12)
	if [ -f "$hdir/l1-$stamp.cpio.gz" ]; then
		l1_cpio=$hdir/l1-$stamp.cpio.gz
		return 0
	fi
	say "building L1's initramfs"
	kver=$(ls "$r/lib/modules")
	img=$(mktemp -d)
	mkdir -p "$img"/{bin,dev,proc,sys,tmp,guest}
	cp "$r/bin/busybox" "$img/bin/busybox"
	for f in virt/lib/irqbypass drivers/crypto/ccp/ccp arch/x86/kvm/kvm \
		 arch/x86/kvm/kvm-amd; do
		add_file "$r/lib/modules/$kver/kernel/$f.ko" \
			"/lib/modules/$kver/kernel/$f.ko"
	done
	add_elf /usr/bin/qemu-system-x86_64 /usr/bin/qemu-system-x86_64
	add_file /usr/share/seabios/bios-256k.bin /usr/share/qemu/bios-256k.bin
	for f in linuxboot_dma.bin kvmvapic.bin; do
		add_file "/usr/share/qemu/$f" "/usr/share/qemu/$f"
	done
	rm -f "$hdir"/l1-*.cpio.gz
	pack_image "$hdir/l1-$stamp.cpio.gz"
	rm -rf "$img"
	l1_cpio=$hdir/l1-$stamp.cpio.gz
}

# The guest and L1's init, appended to L1's image for this run only.
run_cpio() {
	local g

	g=$(mktemp -d)
	mkdir -p "$g/guest"
	cp "$bzimage" "$g/guest/bzImage"
	cp "$initramfs" "$g/guest/initramfs.cpio"
	l1_init "$guest_args" "$cpu" "$((KVM_TIMEOUT - 120))" "$KVM_VCPUS" > "$g/init"
	chmod 755 "$g/init"
	(cd "$g" && find init guest | cpio -o -H newc -R 0:0 --quiet) > "$1"
	rm -rf "$g"
}

# --- run -------------------------------------------------------------------------

command -v qemu-system-x86_64 > /dev/null ||
	{ say "qemu-system-x86_64 is missing (apt-get install qemu-system-x86)"; exit 1; }
mkdir -p "$hdir"
t0=$(date +%s)
fetch_pkgs busybox-static "$(debian_kernel_pkg)"
l1_image
run=$(mktemp -d)
l0=""
trap '[ -z "$l0" ] || kill "$l0" 2> /dev/null; rm -rf "$run"' EXIT
trap 'exit 130' INT TERM
run_cpio "$run/run.cpio"
# The uncompressed archive first (cpio pads it to a 512-byte block): the
# kernel finds the next archive only at an aligned offset.
cat "$run/run.cpio" "$l1_cpio" > "$run/l1.img"
vmlinuz=$(ls "$hdir"/root/boot/vmlinuz-*)
t1=$(date +%s)
say "images ready after $((t1 - t0)) s; booting L1 (up to $KVM_TIMEOUT s)"

l1_console() {
	stat -c %s "$log"
}

l1_stuck() {
	if grep -a -q "watchdog: BUG: soft lockup\|rcu: INFO: rcu_preempt detected stalls" "$log"; then
		echo "an L1 CPU stuck (L1's watchdog or RCU stall report)"
	fi
}

# L1 unpacks its initramfs into RAM and gives the guest 512 MiB of it.
# One run of L1; fails, with the reason in $why, when QEMU's emulation of
# SVM lost the run rather than the guest failing on its own.
run_l1() {
	timeout "$KVM_TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg,thread=multi \
		-cpu qemu64,+svm,+npt -m 3072 -smp 2 -nographic -no-reboot \
		-display none -nic none \
		-kernel "$vmlinuz" -initrd "$run/l1.img" \
		-append "console=ttyS0 quiet panic=-1" \
		< /dev/null > "$log" 2>&1 &
	l0=$!
	# Emulated SVM sometimes stops delivering L1's own interrupts while
	# its CPUs run the guest: an L1 CPU then stays inside the guest for
	# good, which L1's watchdog or RCU reports once another CPU gets a
	# tick. Such a run could only end at the time limit.
	# L1 itself can freeze: its init prints a line every 30 s while the
	# guest runs, so a console silent for 150 s is a frozen L1.
	watch_qemu "$l0" 150 "L1's console silent (L1 frozen)" l1_console l1_stuck || {
		l0=""
		return 1
	}
	l0=""
	# or it corrupts L1 itself: L1's kernel panics ("corrupted stack end
	# detected inside scheduler" in a vCPU thread, twice). L1's own lines
	# start with its timestamp; the guest's come after "L2| ".
	if grep -a -q "^\[ *[0-9.]*\] Kernel panic" "$log"; then
		why="L1's own kernel panicked"
		return 1
	fi
	# It also sometimes ends the guest mid-boot, mid-line, with no panic
	# or message of the guest's own (a triple fault ends QEMU quietly
	# under -no-reboot). A guest that panics or reaches user space has
	# had a fair run either way.
	if grep -a -q "^kvm-host: guest silent" "$log"; then
		why="the guest's console stopped for good"
		return 1
	fi
	if grep -a -q "^kvm-host: guest ended" "$log" &&
	   ! grep -a -q "^L2| .*\(Kernel panic\|pvlayer-init: user space reached\)" "$log"; then
		why="the guest stopped mid-boot without a message of its own"
		return 1
	fi
	# Or L1 itself ends while its guest runs, without a word (its init
	# always reports the guest's end): once 31 s in, right after the
	# guest started.
	if grep -a -q "^kvm-host: guest started" "$log" &&
	   ! grep -a -q "^kvm-host: guest ended" "$log"; then
		why="L1 ended while its guest ran, without a message"
		return 1
	fi
}

tries=1
while ! run_l1; do
	say "$why after $(($(date +%s) - t1)) s, attempt $tries of $KVM_TRIES (log kept as $log.lost-$tries)"
	cp "$log" "$log.lost-$tries"
	[ "$tries" -lt "$KVM_TRIES" ] || break
	tries=$((tries + 1))
	t1=$(date +%s)
done
t2=$(date +%s)

sed -n 's/^L2| //p' "$log" | tr -d '\r' > "$guest_log"
say "L1 run took $((t2 - t1)) s, $((t2 - t0)) s in all; guest output: $(wc -l < "$guest_log") lines"
grep -a "^kvm-host: \(workload\|guest ended\|kvm_\|no marker\)" "$log" | tr -d '\r' || true
grep -a -q "pvlayer-init: user space reached" "$guest_log"
