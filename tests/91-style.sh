#!/bin/sh
# The code keeps the house style that a script can see: lines of about
# 80 columns (over 100 only for a string that must not be split), and
# every XXX mark followed by a sentence saying what is wrong.
. "$(dirname "$0")/lib.sh"

cd "$TOP" || exit 70
files=$(ls cmd/*.c src/*.[ch] tests/unit/*.[ch] tests/tools/*.c bench/*.c \
    2>/dev/null)

wide=$(for f in $files; do
	expand "$f" | awk -v f="$f" 'length($0) > 100 { print f ":" NR ":" $0 }'
done | grep -Ev '[^ ]{60,}' | cut -d: -f1,2)
check "no line is over 100 columns unless it holds an unsplittable string${wide:+ ($wide)}" \
    test -z "$wide"

bare=$(grep -n '\(^\|[^X]\)XXX\([^X]\|$\)' $files | grep -v 'XXX: [A-Za-z].\{20,\}' || true)
check "every XXX mark says what is wrong${bare:+ ($bare)}" test -z "$bare"

done_testing
