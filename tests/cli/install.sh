# install.sh: `meson install` puts boxel where Debian expects a Unix tool
# (issue 11, part 9): the binary, the sample data, boxel.1 covering every
# command `boxel help` lists, and bash completion that completes commands,
# options and --format values from the program itself.
. "$(dirname "$0")/lib.sh"

BUILD=$(dirname "$BOXEL")
cd "$T_TMP" || exit 2
expect_rc 0 "meson install into a staging folder" meson install -C "$BUILD" --destdir "$T_TMP/dest" --no-rebuild --quiet
P=$(cd dest && find . -path '*/bin/boxel' | head -1)
P=dest/${P%/bin/boxel}
check "the binary" test -x "$P/bin/boxel"
check "the sample data" test -f "$P/share/boxel/sample-data/taxonomy.json"
check "the man page" test -f "$P/share/man/man1/boxel.1"
check "the bash completion" test -f "$P/share/bash-completion/completions/boxel"
MAN=$P/share/man/man1/boxel.1
missing=
for c in $("$BOXEL" help | awk '/^commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }'); do
	grep -qx ".SS $c" "$MAN" || missing="$missing $c"
done
check "the man page has a section for every command (missing:$missing)" test -z "$missing"
check "the man page has every import option" test "$(grep -c -e '--strict' -e '--allow-empty' -e '--min-score' "$MAN")" -ge 3
if command -v man >/dev/null; then
	run env MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$MAN"
	check "man renders it" contains "$OUT" "terminal image-labeling workstation"
	check "without roff warnings" test -z "$ERR"
fi
comp() { # comp WORD...: what completing the last word offers
	PATH=$(dirname "$BOXEL"):$PATH bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _boxel; echo "${COMPREPLY[*]}"' _ "$P/share/bash-completion/completions/boxel" "$@"
}
check "completes a command" test "$(comp boxel imp)" = import
check "completes an option of the command" test "$(comp boxel --db x.db import --al)" = --allow-empty
check "completes --format values" test "$(comp boxel export --format "")" = "coco yolo voc labelstudio scale cvat jsonl"

finish
