#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks of the site inspector (tools/inspect) against a real kernel:
#
#   check-inspect.sh VMLINUX MODULE BOOTLOG
#
# VMLINUX and MODULE (pv_test_module.ko) are a kernel built with the layer
# and its test module; BOOTLOG is the console log of that kernel's default
# boot (page-table isolation off). The inspector's totals must equal the
# kernel's own summary line and the test module's line, its --json output
# must parse and hold one entry per record, a site whose call misses its
# operation's trampoline must be reported refused, and broken files (no
# .parainstructions, a truncated one, a record pointing outside any
# section) must be refused with a message and exit status 1.
#
# The inspector is $INSPECT, by default $PVLAYER_CACHE/pv-inspect, made
# with "make inspect" if it is not there. Every check prints one line:
# PASS or FAIL and its name; the last line is "N passed, N failed". Exits
# non-zero if anything failed.
set -u

if [ $# -ne 3 ]; then
	echo "usage: $0 VMLINUX MODULE BOOTLOG" >&2
	exit 2
fi
vmlinux=$1
module=$2
bootlog=$3

top=$(cd "$(dirname "$0")/.." && pwd)
: "${PVLAYER_CACHE:=/var/cache/pvlayer}"
: "${INSPECT:=$PVLAYER_CACHE/pv-inspect}"

passed=0
failed=0

result() {
	case "$1" in
	PASS) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	esac
	echo "$1 $2"
}

totals() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

tmp=$(mktemp -d /tmp/check-inspect.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT

if ! make -s -C "$top" inspect INSPECT="$INSPECT" > "$tmp/build.log" 2>&1 ||
   [ ! -x "$INSPECT" ]; then
	cat "$tmp/build.log"
	result FAIL "inspect/build"
	totals
fi
result PASS "inspect/build"

# elf_section FILE NAME: "OFFSET SIZE" of a section, from the headers.
elf_section() {
	python3 - "$1" "$2" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
shoff, = struct.unpack_from("<Q", data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
def sh(i):
    return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
stroff = sh(shstrndx)[4]
for i in range(shnum):
    h = sh(i)
    end = data.index(b"\0", stroff + h[0])
    if data[stroff + h[0]:end].decode() == sys.argv[2]:
        print(h[4], h[5])
        sys.exit(0)
sys.exit(1)
EOF
}

# poke FILE OFFSET FORMAT VALUE: write one packed value into a file.
poke() {
	python3 - "$@" <<'EOF'
import struct, sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2]))
    f.write(struct.pack(sys.argv[3], int(sys.argv[4], 0)))
EOF
}

# nums LINE: the five numbers of a "N sites: N inline, N direct, N nop,
# N indirect" summary, space-separated.
nums() {
	sed -nE 's/.* ([0-9]+) sites: ([0-9]+) inline, ([0-9]+) direct, ([0-9]+) nop, ([0-9]+) indirect.*/\1 \2 \3 \4 \5/p' |
		head -1
}

# --- totals against the boot log -------------------------------------------

boot_kernel=$(grep -a "paravirt: backend native: " "$bootlog" | nums)
boot_module=$(grep -a -E "pv_test_module: [0-9]+ sites: .*: ok" "$bootlog" | nums)

for what in vmlinux module; do
	if [ "$what" = vmlinux ]; then
		args=("$vmlinux")
		want=$boot_kernel
	else
		args=(--vmlinux "$vmlinux" "$module")
		want=$boot_module
	fi
	if "$INSPECT" "${args[@]}" > "$tmp/$what.txt" 2> "$tmp/$what.err"; then
		result PASS "inspect/$what runs"
	else
		cat "$tmp/$what.err"
		result FAIL "inspect/$what runs"
	fi
	got=$(grep "^totals: " "$tmp/$what.txt" | nums)
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		result PASS "inspect/$what totals equal the boot log's ($got)"
	else
		echo "inspector: ${got:-none}; boot log: ${want:-none}"
		result FAIL "inspect/$what totals equal the boot log's"
	fi

	# one JSON entry per record, and totals that add up
	if "$INSPECT" --json "${args[@]}" > "$tmp/$what.json" 2> "$tmp/$what.err" &&
	   python3 -m json.tool "$tmp/$what.json" > /dev/null; then
		result PASS "inspect/$what --json parses"
	else
		cat "$tmp/$what.err"
		result FAIL "inspect/$what --json parses"
	fi
	file=${args[${#args[@]}-1]}
	records=$(( $(elf_section "$file" .parainstructions | cut -d' ' -f2) / 12 ))
	if python3 - "$tmp/$what.json" "$records" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
t = doc["totals"]
ok = (len(doc["sites"]) == n == t["sites"] and
      [s["index"] for s in doc["sites"]] == list(range(n)) and
      sum(t[k] for k in ("inline", "direct", "nop", "indirect",
                         "refused")) == n)
if not ok:
    print("%d records, %d entries, totals %s" % (n, len(doc["sites"]), t))
sys.exit(0 if ok else 1)
EOF
	then
		result PASS "inspect/$what --json has one entry per record ($records)"
	else
		result FAIL "inspect/$what --json has one entry per record"
	fi
done

# --- sites that do not call their trampoline --------------------------------

# misdirect FILE SECTION ADDRESS: make the site at ADDRESS (as --json gives
# it) call one byte past its trampoline: in a vmlinux its rel32, in a
# module the addend of the relocation at the rel32, plus one.
misdirect() {
	python3 - "$@" <<'EOF'
import struct, sys
path, name, addr = sys.argv[1], sys.argv[2], int(sys.argv[3], 0)
data = bytearray(open(path, "rb").read())
etype, = struct.unpack_from("<H", data, 0x10)
shoff, = struct.unpack_from("<Q", data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
shs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
       for i in range(shnum)]
def sname(h):
    off = shs[shstrndx][4] + h[0]
    return data[off:data.index(b"\0", off)].decode()
sec = [i for i, h in enumerate(shs) if sname(h) == name][0]
if etype == 2:
    # ET_EXEC: the rel32 after the e8, in the section's file image
    off = shs[sec][4] + addr - shs[sec][3] + 1
    rel, = struct.unpack_from("<i", data, off)
    struct.pack_into("<i", data, off, rel + 1)
else:
    # ET_REL: the addend of the RELA entry at the rel32
    rels = [h for h in shs if h[1] == 4 and h[7] == sec]
    for off in (o for h in rels for o in range(h[4], h[4] + h[5], 24)):
        if struct.unpack_from("<Q", data, off)[0] == addr + 1:
            a, = struct.unpack_from("<q", data, off + 16)
            struct.pack_into("<q", data, off + 16, a + 1)
            break
    else:
        sys.exit("no relocation at the site's call")
open(path, "wb").write(data)
EOF
}

for what in vmlinux module; do
	if [ "$what" = vmlinux ]; then
		cp "$vmlinux" "$tmp/misdirected"
		args=("$tmp/misdirected")
	else
		cp "$module" "$tmp/misdirected"
		args=(--vmlinux "$vmlinux" "$tmp/misdirected")
	fi
	# the first record's site, as the first JSON entry names it
	read -r sec addr < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["sites"][0]
print(s["section"], s["address"])' "$tmp/$what.json")
	if misdirect "$tmp/misdirected" "$sec" "$addr" &&
	   "$INSPECT" --json "${args[@]}" > "$tmp/misdirected.json" &&
	   python3 - "$tmp/misdirected.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
s = doc["sites"][0]
ok = (not s["original"] and s["form"] == "refused" and
      doc["totals"]["refused"] == 1)
if not ok:
    print("record 0: %s, %s; totals %s" % (s["form"], s["note"], doc["totals"]))
sys.exit(0 if ok else 1)
EOF
	then
		result PASS "inspect/$what refuses a site that misses its trampoline"
	else
		result FAIL "inspect/$what refuses a site that misses its trampoline"
	fi
	rm -f "$tmp/misdirected" "$tmp/misdirected.json"
done

# --- broken files ------------------------------------------------------------

# refused NAME PATTERN ARGS...: the inspector exits 1 with a message
# matching PATTERN.
refused() {
	local name=$1 pattern=$2
	shift 2
	"$INSPECT" "$@" > /dev/null 2> "$tmp/err"
	local rc=$?
	if [ $rc -eq 1 ] && grep -q -E "$pattern" "$tmp/err"; then
		result PASS "inspect/refuses $name"
	else
		echo "exit status $rc: $(cat "$tmp/err")"
		result FAIL "inspect/refuses $name"
	fi
}

cp "$vmlinux" "$tmp/vmlinux"
cp "$module" "$tmp/module.ko"
read -r voff vsize < <(elf_section "$tmp/vmlinux" .parainstructions)
read -r roff _ < <(elf_section "$tmp/module.ko" .rela.parainstructions)

cp "$tmp/vmlinux" "$tmp/nosec"
objcopy --remove-section .parainstructions "$tmp/nosec" 2> /dev/null
refused "a vmlinux without .parainstructions" "no \.parainstructions" \
	"$tmp/nosec"
rm -f "$tmp/nosec"

cp "$tmp/module.ko" "$tmp/nosec.ko"
objcopy --remove-section .parainstructions \
	--remove-section .rela.parainstructions "$tmp/nosec.ko"
refused "a module without .parainstructions" "no \.parainstructions" \
	--vmlinux "$tmp/vmlinux" "$tmp/nosec.ko"

cp "$tmp/vmlinux" "$tmp/trunc"
# the records less five bytes
tail -c +$((voff + 1)) "$tmp/vmlinux" | head -c $((vsize - 5)) > "$tmp/short.bin"
objcopy --update-section .parainstructions="$tmp/short.bin" "$tmp/trunc" 2> /dev/null
refused "a truncated .parainstructions" "truncated" "$tmp/trunc"
rm -f "$tmp/trunc"

cp "$tmp/vmlinux" "$tmp/outside"
poke "$tmp/outside" "$voff" "<i" 0x7ffffff0
refused "a vmlinux record pointing outside any section" \
	"record 0 points outside any section" "$tmp/outside"
rm -f "$tmp/outside"

# the addend of the first record's relocation, far past its section
cp "$tmp/module.ko" "$tmp/outside.ko"
poke "$tmp/outside.ko" $((roff + 16)) "<q" 0x7fff0000
refused "a module record pointing outside any section" \
	"record 0 points outside any section" \
	--vmlinux "$tmp/vmlinux" "$tmp/outside.ko"

totals
