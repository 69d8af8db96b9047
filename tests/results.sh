# SPDX-License-Identifier: GPL-2.0
# Results of the shell checkers (check-patches.sh, tests/host/run.sh),
# which make check reads as one subtest a line: "PASS name" or
# "FAIL name", and last "N passed, N failed". Sourced, not run.

passed=0
failed=0

# result PASS|FAIL NAME
result() {
	case "$1" in
	PASS) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	esac
	echo "$1 $2"
}

# check NAME COMMAND...: PASS if the command succeeds
check() {
	local name=$1
	shift
	if "$@"; then
		result PASS "$name"
	else
		result FAIL "$name"
	fi
}

# totals: the last line; exits non-zero if anything failed
totals() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}
