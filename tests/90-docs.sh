#!/bin/sh
# Every command has a man page that repeats the suite's exit statuses,
# and completions for bash, zsh and fish that know every option its
# usage text shows.
. "$(dirname "$0")/lib.sh"

codes=$(sed -n 's/^[[:space:]]*HOOK_[A-Z]* = \([0-9]*\),$/\1/p' "$TOP/src/exits.h")
check "the exit-status table is readable from src/exits.h" test -n "$codes"

for cmd in $(cd "$TOP/cmd" && ls *.c | sed 's/\.c$//'); do
	man=$TOP/man/$cmd.1
	check "$cmd has a man page" test -f "$man"
	[ -f "$man" ] || continue
	missing=
	for c in $codes; do
		sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /p' "$man" |
		    grep -qx "\.It $c" || missing="$missing $c"
	done
	check "$cmd.1 lists every exit status${missing:+ (missing:$missing)}" \
	    test -z "$missing"
	if command -v groff >/dev/null 2>&1; then
		check "$cmd.1 formats without warnings" sh -c \
		    "groff -mdoc -Tutf8 -ww -z '$man' 2>&1 | grep . && exit 1 || exit 0"
	fi

	"$cmd" --help >"$T/usage" 2>&1
	opts=$(grep -o -- '--\?[A-Za-z][A-Za-z0-9-]*' "$T/usage" |
	    grep '^-' | grep -v -- '^-[A-Za-z][A-Za-z0-9]' | sort -u)
	check "$cmd --help shows options" test -n "$opts"
	for shell in bash zsh fish; do
		case $shell in
		bash) f=$TOP/completions/bash/$cmd ;;
		zsh) f=$TOP/completions/zsh/_$cmd ;;
		fish) f=$TOP/completions/fish/$cmd.fish ;;
		esac
		check "$cmd has a $shell completion" test -f "$f"
		[ -f "$f" ] || continue
		missing=
		for o in $opts; do
			name=${o#-}
			name=${name#-}
			case $shell in
			fish)
				if [ "${o#--}" != "$o" ]; then
					grep -Eq -- "(-l|--long-option) '?$name'?( |\$)|--$name" "$f"
				else
					grep -Eq -- "(-s|--short-option) '?$name'?( |\$)" "$f"
				fi ;;
			*)
				grep -Eq -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|\$)" "$f" ;;
			esac || missing="$missing $o"
		done
		check "$shell completion of $cmd knows every option${missing:+ (missing:$missing)}" \
		    test -z "$missing"
	done
done
for page in hookspool.7 hookspool-spool.5; do
	check "the $page page exists" test -f "$TOP/man/$page"
done
done_testing
