# bad-inputs.sh: `boxel show` on every hostile input of tests/data/bad (and
# on the directory itself): a non-zero exit and exactly one line on stderr,
# "boxel: FILE: reason", with no escape bytes; good files still print.
. "$(dirname "$0")/lib.sh"
: "${BOXEL_TEST_DATA:?}"
bad=$BOXEL_TEST_DATA/bad
show() { "$BOXEL" show --size 40x12 --colors 256 "$@"; }

n=0
for f in "$bad"/* "$bad"; do
	n=$((n + 1))
	name=${f##*/}
	expect_rc 1 "show $name fails" show "$f"
	check "$name: one line on stderr" one_line "$ERR"
	check "$name: no escape bytes" no_escape "$ERR"
	check "$name: 'boxel: FILE: reason'" contains "$ERR" "boxel: $f: "
	check "$name: a reason follows" test -n "${ERR#"boxel: $f: "}"
	check "$name: nothing on stdout" test -z "$OUT"
done
check "tests/data/bad holds at least 9 files" test "$n" -ge 10

# Reasons a person can act on, per kind of breakage.
while IFS='|' read -r file words; do
	run show "$bad/$file"
	check "$file says '$words'" contains "$ERR" "$words"
done <<'LIST'
empty.png|empty file
text-named.jpg|not a PNG or JPEG image
truncated.jpg|truncated JPEG data
truncated-scan-then-eoi.jpg|truncated JPEG data
truncated.png|truncated PNG data
bad-crc.png|CRC error
huge-100000x100000.png|over the limit
huge-65500x65500.jpg|over the limit
progressive-absurd-scans.jpg|scans
LIST
run show "$bad"
check "a directory says so" contains "$ERR" "is a directory"
expect_rc 1 "a missing file" show "$T_TMP/nope.png"
check "a missing file says so" contains "$ERR" "No such file"

# A good file before a bad one still prints; the bad one costs exit 1.
expect_rc 1 "good then bad" show "$BOXEL_TEST_DATA/png-rgb8.png" "$bad/truncated.png"
check "the good image was drawn" test -n "$OUT"
check "one line for the bad one" one_line "$ERR"
check "it names the bad file" contains "$ERR" "truncated.png"

# A hostile file name reaches stderr sanitized, still as one line.
evil="$T_TMP/"$'a\e]0;pwned\a\nb.jpg'
cp "$bad/text-named.jpg" "$evil"
expect_rc 1 "hostile file name" show "$evil"
check "hostile name: one line" one_line "$ERR"
check "hostile name: no escape bytes" no_escape "$ERR"

# A FIFO must be refused, not waited on (timeout turns a hang into 124).
if mkfifo "$T_TMP/pipe.png" 2>/dev/null; then
	expect_rc 1 "a FIFO is refused at once" timeout 20 "$BOXEL" show --size 40x12 "$T_TMP/pipe.png"
	check "a FIFO: one line" one_line "$ERR"
	check "a FIFO says why" contains "$ERR" "not a regular file"
fi

# Unreadable file (root reads anything, so only as another user).
if [ "$(id -u)" -ne 0 ]; then
	cp "$BOXEL_TEST_DATA/png-rgb8.png" "$T_TMP/locked.png"
	chmod 000 "$T_TMP/locked.png"
	expect_rc 1 "unreadable file" show "$T_TMP/locked.png"
	check "unreadable: one line" one_line "$ERR"
	check "unreadable says why" contains "$ERR" "ermission denied"
fi

finish
