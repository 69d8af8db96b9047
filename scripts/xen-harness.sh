#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel as a guest of a real Xen, itself running under QEMU (TCG),
# and keep the guest's console output.
#
# usage: xen-harness.sh [--log FILE] [--guest-log FILE]
#                       [--type hvm|pvh|pv|dom0] [--dom0 DOM0_BZIMAGE]
#                       [--migrate] BZIMAGE INITRAMFS [GUEST KERNEL ARGS...]
#
# --type picks how the kernel runs:
#   hvm   an HVM guest of a stock Debian dom0 (the default);
#   pvh   a PVH guest (no device model; the kernel needs CONFIG_XEN_PVH);
#   pv    a PV guest (CONFIG_XEN_PV); its console is hvc0, which dom0's
#         xenconsoled writes to a file that dom0 copies to Xen's console as
#         the guest's "(d1) " lines;
#   dom0  the kernel is dom0 itself, a PV domain (CONFIG_XEN_PV and
#         CONFIG_XEN_DOM0), with INITRAMFS as its initramfs and no guest;
#         its console is hvc0 on Xen's console, and the guest log holds
#         every line of it that is not Xen's own.
#
# --dom0 DOM0_BZIMAGE (with hvm, pvh or pv) runs that kernel as dom0 in
# place of Debian's stock one, with the same initramfs and toolstack: it
# needs CONFIG_XEN_PV, CONFIG_XEN_DOM0 and the toolstack's devices
# (XEN_DEV_EVTCHN, XENFS, XEN_GNTDEV, XEN_GRANT_DEV_ALLOC, XEN_PRIVCMD)
# built in. Its console lines are the lines of --log FILE that are
# neither Xen's "(XEN) " nor a guest's "(dN) ".
#
# --migrate (with pv) has dom0 move the guest, once its init says
# "xen migrate: domain N waits" (pvlayer.xen_migrate= on the guest's
# command line), to a new domain of the same Xen: "xl save" into a pipe
# that "xl restore" reads, a migration without its live phase. The new
# domain's console lines follow the old one's.
#
# Everything comes from Debian's archive: the hypervisor
# (xen-hypervisor-4.17-amd64), a stock Debian kernel for dom0, the Xen
# tools and their libraries, qemu-system-xen as the guest's device model,
# busybox-static. The packages are fetched with "apt-get download" and
# unpacked with "dpkg -x" under $PVLAYER_CACHE/xen; shared libraries the
# tools need and the packages do not hold are taken from the host's
# installed Debian packages (seabios, qemu-system-data and the libraries
# of qemu-system-x86). dom0's initramfs is built once and reused; each run
# appends a small archive with the guest's kernel, initramfs and xl
# configuration.
#
# dom0 starts the toolstack (xenstored, xen-init-dom0, xenconsoled),
# creates the guest with "xl create", waits for it to end and reboots.
# The guest's console is the xen backend's console on Xen's debug port
# (console=xendbg0): Xen prints each of its lines after "(dN) " on Xen's
# own console, which is QEMU's serial port, kept in the --log FILE. (The
# emulated serial port would cost a trip to the device model in dom0 per
# byte: a few dozen lines a minute under TCG.) The guest's lines go to
# --guest-log FILE. Exits non-zero if they lack "pvlayer-init: user space
# reached".
#
# A run that stops making progress, Xen's console silent for $XEN_SILENT
# seconds (default 300) before the guest is created or the guest's own
# lines after, is stopped, kept as --log FILE.lost-N, reported with dom0's
# last view of the guest's vCPUs, and tried again, up to $XEN_TRIES
# (default 1) runs in all. Each run is bounded by $XEN_TIMEOUT seconds
# (default 2400). A guest of Xen nested in QEMU's TCG has been seen to stop
# for good early in setup_arch() (see tests/check/boots.py).
set -eu

: "${PVLAYER_CACHE:=/var/cache/pvlayer}"
: "${XEN_TIMEOUT:=2400}"
: "${XEN_SILENT:=300}"
: "${XEN_TRIES:=1}"
xdir=$PVLAYER_CACHE/xen
hdir=$xdir
name=xen-harness
# shellcheck source=scripts/harness-lib.sh
. "$(dirname "$0")/harness-lib.sh"

# --dom0 is this harness's alone; the rest are harness_args's
dom0_bzimage=""
migrate=""
args=()
while [ $# -gt 1 ] && [ "${1#--}" != "$1" ]; do
	if [ "$1" = --migrate ]; then
		migrate=1
		shift
		continue
	fi
	if [ "$1" = --dom0 ]; then
		dom0_bzimage=$2
	else
		args+=("$1" "$2")
	fi
	shift 2
done
harness_args --type "hvm|pvh|pv|dom0" hvm "${args[@]}" "$@"
gtype=$opt
case "$gtype" in
hvm|pvh)
	# The backend's console on Xen's debug port: Xen prints its lines
	# as "(dN) ..." on its own console.
	console=xendbg0 ;;
pv|dom0)
	# A PV domain has no debug port: Xen's console device, hvc0.
	console=hvc0 ;;
*) echo "xen-harness: unknown guest type $gtype" >&2; exit 2 ;;
esac
if [ -n "$migrate" ] && [ "$gtype" != pv ]; then
	echo "xen-harness: --migrate is for a PV guest (--type pv)" >&2
	exit 2
fi
if [ -n "$dom0_bzimage" ]; then
	if [ "$gtype" = dom0 ]; then
		echo "xen-harness: --dom0 names dom0's kernel for a guest; --type dom0 boots BZIMAGE as dom0" >&2
		exit 2
	fi
	if [ ! -s "$dom0_bzimage" ]; then
		echo "xen-harness: no dom0 kernel $dom0_bzimage" >&2
		exit 2
	fi
fi
guest_args="console=$console panic=-1 oops=panic printk.devkmsg=on $extra"

XEN_PKGS="xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common
xenstore-utils libxencall1 libxendevicemodel1 libxenevtchn1
libxenforeignmemory1 libxengnttab1 libxenhypfs1 libxenmisc4.17 libxenstore4
libxentoolcore1 libxentoollog1 libyajl2 qemu-system-xen busybox-static"

# --- packages ----------------------------------------------------------------

fetch() {
	# shellcheck disable=SC2086
	fetch_pkgs $XEN_PKGS "$(debian_kernel_pkg)"
}

# --- dom0's image --------------------------------------------------------------

# The init of dom0: a busybox shell script.
dom0_init() {
	cat <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/usr/lib/xen-4.17/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /run /var/run
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mkdir -p /run/xen /run/xenstored /var/lib/xen /var/lib/xenstored \
	/var/log/xen/console /var/run/xen
mods=/lib/modules/$(uname -r)/kernel/drivers/xen
# modules of the stock kernel; a dom0 kernel of --dom0 has them built in
for m in xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs/xenfs; do
	[ ! -f $mods/$m.ko ] || insmod $mods/$m.ko || echo "dom0: insmod $m failed"
done
mkdir -p /proc/xen
mount -t xenfs xenfs /proc/xen
xenstored --pid-file /run/xenstored.pid
xen-init-dom0
xenconsoled --log=guest --log-dir=/var/log/xen/console \
	--pid-file=/run/xenconsoled.pid
echo "dom0: toolstack up after $(cut -d' ' -f1 /proc/uptime) s"
# Move the guest to a new domain of this host: "xl save" into a pipe that
# "xl restore" reads (a migration without its live phase, which needs
# log-dirty mode: Xen has it for PV guests only with shadow paging, which
# Debian's Xen lacks). The new domain has a name of its own, which the
# loop below waits on from then on; its console is a file of that name,
# followed too.
migrate_guest() {
	local m0 g i rpid ok=1

	touch /run/migrated
	echo "dom0: moving the guest to a new domain"
	m0=$(cut -d. -f1 /proc/uptime)
	(
		for i in $(seq 300); do
			for g in /var/log/xen/console/guest-*.log; do
				[ "$g" = "$1" ] || [ ! -f "$g" ] || break 2
			done
			g=""
			sleep 1
		done
		[ -n "$g" ] || exit 0
		tail -n +1 -F "$g" 2>/dev/null | sed 's/^/(d2) /'
	) &
	sed 's/^name = .*/name = "pvguest-new"/' /guest/guest.cfg > /run/new.cfg
	mkfifo /run/guest.save
	xl -v restore /run/new.cfg /run/guest.save > /run/restore.log 2>&1 &
	rpid=$!
	xl -v save pvguest /run/guest.save > /run/save.log 2>&1 ||
		{ echo "dom0: xl save failed: $?"; ok=0; }
	wait $rpid || { echo "dom0: xl restore failed: $?"; ok=0; }
	if [ $ok = 1 ]; then
		# the guest may have ended already: it goes on where it was
		gname=pvguest-new
		echo "dom0: guest saved and restored in $(($(cut -d. -f1 /proc/uptime) - m0)) s"
	else
		echo "dom0: guest save or restore failed"
	fi
	for i in save restore; do
		tr '\r' '\n' < /run/$i.log | grep -v '^ *$' | tail -25 |
			sed "s/^/dom0: $i: /"
	done
}
start=$(cut -d. -f1 /proc/uptime)
if xl create /guest/guest.cfg; then
	echo "dom0: guest created"
	# A PV guest's console (hvc0) is xenconsoled's file: its lines go to
	# Xen's console as they come, as a guest's lines of the debug port.
	if [ -f /guest/pv ]; then
		f=/var/log/xen/console/guest-pvguest.log
		(
			while [ ! -f $f ]; do sleep 1; done
			tail -n +1 -F $f 2>/dev/null | sed 's/^/(d1) /'
		) &
	fi
	last=0
	gname=pvguest
	while xl domid $gname > /dev/null 2>&1; do
		if [ -f /guest/migrate ] && [ ! -f /run/migrated ] &&
		   grep -q "xen migrate: domain [0-9]* waits" $f 2>/dev/null; then
			migrate_guest $f
		fi
		t=$(($(cut -d. -f1 /proc/uptime) - start))
		if [ $((t - last)) -ge 60 ]; then
			last=$t
			echo "dom0: guest running for $t s"
			xl vcpu-list $gname | sed 's/^/dom0: vcpu-list: /'
		fi
		if [ $t -ge 1800 ]; then
			echo "dom0: guest still running after $t s, destroying it"
			xl destroy $gname
			break
		fi
		sleep 2
	done
	end=$(cut -d. -f1 /proc/uptime)
	# the new domain's console is read from its file: let it catch up
	if [ -f /run/migrated ]; then sleep 5; else sleep 1; fi
	echo "dom0: guest ended after $((end - start)) s"
else
	echo "dom0: xl create failed"
	xl dmesg | tail -20
fi
tail -n 20 /var/log/guest-serial.log 2>/dev/null | sed 's/^/dom0: guest serial: /'
for f in /var/log/xen/qemu-dm-pvguest.log /var/log/xen/xl-pvguest.log; do
	[ -f $f ] && tail -15 $f | sed "s|^|dom0: ${f##*/}: |"
done
sync
reboot -f
INIT
}

dom0_image() {
	local kver r=$xdir/root f stamp

	# rebuilt when this script, its library or the packages change
	stamp=$( (cat "$0" "$(dirname "$0")/harness-lib.sh"; ls "$xdir/debs") |
		sha1sum | cut -c1-12)
	if [ -f "$xdir/dom0-$stamp.cpio.gz" ]; then
		dom0_cpio=$xdir/dom0-$stamp.cpio.gz
		return 0
	fi
	say "building dom0's initramfs"
	kver=$(ls "$r/lib/modules")
	img=$(mktemp -d)
	mkdir -p "$img"/{bin,dev,proc,sys,run,tmp,etc/xen,var/log}
	cp "$r/bin/busybox" "$img/bin/busybox"
	dom0_init > "$img/init"
	chmod 755 "$img/init"
	for f in xl xenstored xenconsoled xen-init-dom0 libxl-save-helper; do
		add_elf "$r/usr/lib/xen-4.17/bin/$f" "/usr/lib/xen-4.17/bin/$f"
	done
	add_elf "$r/usr/libexec/xen-qemu-system-i386" /usr/libexec/xen-qemu-system-i386
	# xl aborts at exit without it (pthread_cancel loads it)
	add_file /lib/x86_64-linux-gnu/libgcc_s.so.1 /lib/x86_64-linux-gnu/libgcc_s.so.1
	add_file "$r/usr/lib/xen-4.17/boot/hvmloader" /usr/lib/xen-4.17/boot/hvmloader
	add_file /usr/share/seabios/bios-256k.bin /usr/share/seabios/bios-256k.bin
	for f in linuxboot.bin linuxboot_dma.bin kvmvapic.bin; do
		add_file "/usr/share/qemu/$f" "/usr/share/qemu/$f"
	done
	mkdir -p "$img/usr/share/qemu"
	cp -r /usr/share/qemu/keymaps "$img/usr/share/qemu/"
	cp "$r/etc/xen/xl.conf" "$img/etc/xen/xl.conf"
	for f in xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs/xenfs; do
		add_file "$r/lib/modules/$kver/kernel/drivers/xen/$f.ko" \
			"/lib/modules/$kver/kernel/drivers/xen/$f.ko"
	done
	ln -s /run "$img/var/run"
	rm -f "$xdir"/dom0-*.cpio.gz
	pack_image "$xdir/dom0-$stamp.cpio.gz"
	rm -rf "$img"
	dom0_cpio=$xdir/dom0-$stamp.cpio.gz
}

# --- the guest -------------------------------------------------------------------

guest_cpio() {
	local g

	g=$(mktemp -d)
	mkdir -p "$g/guest"
	cp "$bzimage" "$g/guest/bzImage"
	cp "$initramfs" "$g/guest/initramfs.cpio"
	[ "$gtype" != pv ] || touch "$g/guest/pv"
	[ -z "$migrate" ] || touch "$g/guest/migrate"
	cat > "$g/guest/guest.cfg" <<CFG
type = "$gtype"
name = "pvguest"
memory = 384
vcpus = 2
kernel = "/guest/bzImage"
ramdisk = "/guest/initramfs.cpio"
cmdline = "$guest_args"
vif = []
disk = []
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
CFG
	# an emulated PC's devices exist only for HVM guests
	if [ "$gtype" = hvm ]; then
		cat >> "$g/guest/guest.cfg" <<CFG
serial = "file:/var/log/guest-serial.log"
vga = "none"
nographic = 1
CFG
	fi
	(cd "$g" && find guest | cpio -o -H newc -R 0:0 --quiet) > "$1"
	rm -rf "$g"
}

# --- run -------------------------------------------------------------------------

mkdir -p "$xdir"
t0=$(date +%s)
fetch
r=$xdir/root
[ -f "$xdir/xen.elf" ] || gunzip -c "$r/boot/xen-4.17-amd64.gz" > "$xdir/xen.elf"
run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
if [ "$gtype" = dom0 ]; then
	# The kernel under test is dom0, with its own initramfs.
	dom0_kernel="$bzimage $guest_args earlyprintk=xen"
	dom0_img=$initramfs
	dom0_vcpus=2
else
	dom0_image
	guest_cpio "$run/guest.cpio"
	# The uncompressed archive first: the kernel unpacks it, then the
	# compressed one that follows.
	cat "$run/guest.cpio" "$dom0_cpio" > "$run/dom0.img"
	if [ -n "$dom0_bzimage" ]; then
		# Its boot shown, without its KUnit suites (--type dom0 runs
		# them). No USB: with the emulated controllers driven by dom0,
		# the PVH guest's vCPUs triple-faulted in 2 runs of 2 (one
		# resumed at a Xen address: Xen's SVM nested in TCG); without,
		# 3 of 3 passed.
		dom0_kernel="$dom0_bzimage console=hvc0 earlyprintk=xen kunit.enable=0 usbcore.nousb"
	else
		dom0_kernel="$(ls "$r"/boot/vmlinuz-*) console=hvc0 earlyprintk=xen quiet"
	fi
	dom0_img=$run/dom0.img
	dom0_vcpus=1
fi
t1=$(date +%s)
say "images ready after $((t1 - t0)) s; booting Xen (up to $XEN_TIMEOUT s)"

# Where a run stands: the size of Xen's console until dom0 has created the
# guest, then the guest's lines (dom0 prints a line a minute of its own
# while the guest runs).
xen_progress() {
	if [ "$gtype" != dom0 ] && grep -a -q "^dom0: guest created" "$log"; then
		echo "guest: $(grep -a -c "^(d[1-9][0-9]*) " "$log") lines"
	else
		echo "console: $(stat -c %s "$log") bytes"
	fi
}

# One run of Xen; fails, with the reason in $why, when the machine or the
# guest stopped making progress.
run_xen() {
	# Debian's Xen has no shadow paging: the guest needs nested paging (+npt).
	timeout "$XEN_TIMEOUT" qemu-system-x86_64 -machine q35,accel=tcg \
		-cpu qemu64,+svm,+npt -m 2G -smp 2 -nographic -no-reboot \
		-display none -nic none \
		-kernel "$xdir/xen.elf" \
		-append "console=com1 com1=115200,8n1 dom0_mem=512M dom0_max_vcpus=$dom0_vcpus loglvl=all guest_loglvl=all" \
		-initrd "${dom0_kernel//,/,,},$dom0_img" \
		< /dev/null > "$log" 2>&1 &
	watch_qemu $! "$XEN_SILENT" "no progress" xen_progress ""
}

tries=1
while ! run_xen; do
	say "$why ($(xen_progress)) after $(($(date +%s) - t1)) s, attempt $tries of $XEN_TRIES (log kept as $log.lost-$tries)"
	cp "$log" "$log.lost-$tries"
	grep -a "^dom0: vcpu-list" "$log" | tail -4
	[ "$tries" -lt "$XEN_TRIES" ] || break
	tries=$((tries + 1))
	t1=$(date +%s)
done
t2=$(date +%s)

if [ "$gtype" = dom0 ]; then
	grep -a -v "^(XEN) " "$log" | tr -d '\r' > "$guest_log"
else
	sed -n 's/^(d[1-9][0-9]*) //p' "$log" | tr -d '\r' > "$guest_log"
fi
say "Xen run took $((t2 - t1)) s, $((t2 - t0)) s in all; guest output: $(wc -l < "$guest_log") lines"
grep -a -q "pvlayer-init: user space reached" "$guest_log"
