# basics.sh: the command table: help, --version, per-command help, usage errors.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "boxel --version" "$BOXEL" --version
check "--version prints the version" contains "$OUT" "boxel "
expect_rc 0 "boxel help" "$BOXEL" help
check "help lists help" contains "$OUT" "help"
expect_rc 2 "no command is a usage error" "$BOXEL"
expect_rc 2 "unknown command" "$BOXEL" frobnicate
check "unknown command says so in one line" one_line "$ERR"
check "unknown command names it" contains "$ERR" "frobnicate"
expect_rc 2 "help for an unknown command" "$BOXEL" help frobnicate
expect_rc 0 "help help" "$BOXEL" help help
check "help help shows usage" contains "$OUT" "usage: boxel help"
expect_rc 2 "hostile command name" "$BOXEL" $'\e]0;pwned\a'
check "escape sequences never reach the terminal" no_escape "$ERR"

finish
