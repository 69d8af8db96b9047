#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host tests of the layer (make host-test):
#
#   run.sh BIN_DIR ROM_DIR FUZZ_SECONDS
#
# BIN_DIR holds test_vmi_rom (built with AddressSanitizer and UBSan) and,
# if clang was found, fuzz_vmi_rom; ROM_DIR the ROMs of make rom. Prints
# the checks of test_vmi_rom, one for its sanitizers and one for the
# fuzzer, each "PASS name" or "FAIL name", then "N passed, N failed".
# Exits non-zero if anything failed.
set -u

bin=$1
roms=$2
fuzz_time=$3
passed=0
failed=0

result() {
	case "$1" in
	PASS) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	esac
	echo "$1 $2"
}

# --- the validator and the ROM ---------------------------------------------

log=$bin/test_vmi_rom.log
UBSAN_OPTIONS=print_stacktrace=1 "$bin/test_vmi_rom" "$roms" \
	> "$log.out" 2> "$log"
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
	result FAIL "host/unit: test_vmi_rom ran to its end (exit status $rc)"
fi
if grep -q -E 'runtime error|Sanitizer' "$log"; then
	grep -E 'runtime error|Sanitizer' "$log" | head -n 5 | sed 's/^/  /'
	result FAIL "host/unit: no sanitizer reports (see $log)"
else
	result PASS "host/unit: no sanitizer reports"
fi

# --- the fuzzer ------------------------------------------------------------

name="host/fuzz: vmi_rom_validate for ${fuzz_time}s, seeded with the ROMs"
if [ ! -x "$bin/fuzz_vmi_rom" ]; then
	echo "  no fuzzer: it needs clang with libFuzzer (apt-get install clang)"
	result FAIL "$name"
else
	corpus=$bin/fuzz-corpus
	seeds=$bin/fuzz-seeds
	mkdir -p "$corpus" "$seeds"
	cp "$roms"/*.rom "$seeds"/
	log=$bin/fuzz.log
	if "$bin/fuzz_vmi_rom" -max_total_time="$fuzz_time" -max_len=8192 \
		-use_value_profile=1 -print_final_stats=1 \
		-dict="$(dirname "$0")/vmi_rom.dict" \
		-artifact_prefix="$bin/fuzz-" "$corpus" "$seeds" \
		> "$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		result PASS "$name (${runs:-?} runs)"
	else
		grep -E -A3 'ERROR|runtime error|invariant|Test unit written' \
			"$log" | head -n 12 | sed 's/^/  /'
		result FAIL "$name (see $log)"
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
