#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host tests of the layer (make host-test):
#
#   run.sh BIN_DIR ROM_DIR FUZZ_SECONDS [fuzz]
#
# BIN_DIR holds test_vmi_rom and test_classify (built with AddressSanitizer
# and UBSan) and, if clang was found, fuzz_vmi_rom and fuzz_classify;
# ROM_DIR the ROMs of make rom. Prints the checks of each test program, one
# for each program's sanitizers and one for each fuzzer (FUZZ_SECONDS
# each), each "PASS name" or "FAIL name", then "N passed, N failed". Exits
# non-zero if anything failed. With "fuzz", only the fuzzers run (make
# fuzz).
set -u

bin=$1
roms=$2
fuzz_time=$3
only_fuzz=${4:-}
here=$(dirname "$0")
. "$here/../results.sh"

# unit PROGRAM ARGS...: its checks, that it ran to its end, its sanitizers
unit() {
	local prog=$1 log=$bin/$1.log rc line
	shift
	UBSAN_OPTIONS=print_stacktrace=1 "$bin/$prog" "$@" > "$log.out" 2> "$log"
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		PASS\ *) result PASS "${line#PASS }" ;;
		FAIL\ *) result FAIL "${line#FAIL }" ;;
		*\ passed,\ *\ failed) ;;
		*) echo "$line" ;;
		esac
	done < "$log.out"
	if [ $rc -gt 1 ] || ! tail -n 1 "$log.out" | grep -q ' passed, .* failed$'; then
		head -n 20 "$log" | sed 's/^/  /'
		result FAIL "host/unit: $prog ran to its end (exit status $rc)"
	fi
	if grep -q -E 'runtime error|Sanitizer' "$log"; then
		grep -E 'runtime error|Sanitizer' "$log" | head -n 5 | sed 's/^/  /'
		result FAIL "host/unit: $prog: no sanitizer reports (see $log)"
	else
		result PASS "host/unit: $prog: no sanitizer reports"
	fi
}

# fuzz PROGRAM NAME MAX_LEN SEED_DIR [LIBFUZZER ARGS...]
fuzz() {
	local prog=$1 name="host/fuzz: $2 for ${fuzz_time}s" max_len=$3
	local seeds=$4 corpus=$bin/$1-corpus log=$bin/$1.log runs
	shift 4
	if [ ! -x "$bin/$prog" ]; then
		echo "  no fuzzer: it needs clang with libFuzzer (apt-get install clang)"
		result FAIL "$name"
		return
	fi
	mkdir -p "$corpus"
	if "$bin/$prog" -max_total_time="$fuzz_time" -max_len="$max_len" \
		-use_value_profile=1 -print_final_stats=1 \
		-artifact_prefix="$bin/$prog-" "$@" "$corpus" $seeds \
		> "$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		result PASS "$name (${runs:-?} runs)"
	else
		grep -E -A3 'ERROR|runtime error|invariant|Test unit written' \
			"$log" | head -n 12 | sed 's/^/  /'
		result FAIL "$name (see $log)"
	fi
}

if [ "$only_fuzz" != fuzz ]; then
	unit test_vmi_rom "$roms"
	unit test_classify
fi

seeds=$bin/fuzz-seeds
mkdir -p "$seeds"
cp "$roms"/*.rom "$seeds"/
fuzz fuzz_vmi_rom "vmi_rom_validate, seeded with the ROMs" 8192 "$seeds" \
	-dict="$here/vmi_rom.dict"
fuzz fuzz_classify "pv_classify" 96 ""
totals
