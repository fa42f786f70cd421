#!/bin/sh
# Each libFuzzer harness in build-fuzz/ runs briefly (FUZZ_CHECK_SECONDS,
# default 4) on its seed corpus without a crash, leak or failed
# property.  "make fuzz" runs them for longer.
. "$(dirname "$0")/lib.sh"

secs=${FUZZ_CHECK_SECONDS:-4}
# A fixed seed: the suite explores the same inputs on every run, so that
# it passes or fails alike; "make fuzz" explores afresh each time.
FUZZ_SEED=${FUZZ_SEED:-1}
export FUZZ_SEED
have=
for f in "$TOP"/tests/fuzz/fuzz-*.c; do
	name=$(basename "$f" .c)
	if [ ! -x "$TOP/build-fuzz/$name" ]; then
		skip "$name: not built (clang's libFuzzer runtime is missing;\
 on Debian install clang-14 and libclang-rt-14-dev)"
		continue
	fi
	if [ -n "${HOOK_FUZZ_DONE:-}" ]; then
		skip "$name: run once per make check, in the plain pass"
		continue
	fi
	have=1
	if sh "$TOP/tests/fuzz/run" "$secs" "$name" >"$T/fuzz.out" 2>&1; then
		got=$(sed -n "s/^$name: ok //p" "$T/fuzz.out")
		ok "$name survives ${secs}s of fuzzing from its corpus ($got)"
	else
		not_ok "$name survives ${secs}s of fuzzing from its corpus"
		show "$T/fuzz.out"
	fi
done
done_testing
