#!/bin/sh
# mkman.sh BOXEL VERSION: writes boxel.1 (roff) to stdout from the program's
# own help: `boxel help` for the command list and `boxel CMD --help` for
# each command, so the man page covers every command and cannot drift from
# the options the program takes.
set -eu
B=$1
V=$2

# roff-safe text: backslashes, then lines that would read as requests
esc() {
	sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/" -e 's/^-/\\-/'
}

cmds=$("$B" help | awk '/^commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }')
[ -n "$cmds" ] || { echo "mkman.sh: $B help listed no commands" >&2; exit 1; }

cat <<ROFF
.TH BOXEL 1 "" "boxel $V" "User Commands"
.SH NAME
boxel \- terminal image-labeling workstation
.SH SYNOPSIS
.B boxel
.RB [ \-\-db
.IR FILE ]
.I COMMAND
.RI [ ARGS ...]
.SH DESCRIPTION
boxel labels images in a terminal: annotators reach it over SSH and see
each image as half-block graphics; tasks, judgments and gold answers live in
one SQLite file (the project store), and labelers are scored against gold.
Administrators create the store
.RB ( "boxel init" ),
import images and datasets
.RB ( "boxel import" ),
make batches, watch the work
.RB ( "boxel admin" )
and export the accepted answers
.RB ( "boxel export" )
as COCO, YOLO, Pascal VOC, Label Studio, Scale or JSONL.
.PP
Options such as
.B \-\-db
may also come before the command
.RB ( "boxel \-\-db p.db init" ).
.SH COMMANDS
ROFF
for c in $cmds; do
	printf '.SS %s\n' "$c"
	printf '.nf\n'
	if [ "$c" = help ]; then
		printf 'usage: boxel help [COMMAND]\n\nlist the commands, or describe one\n'
	else
		"$B" "$c" --help | esc
	fi
	printf '.fi\n'
done
cat <<'ROFF'
.SH EXIT STATUS
.TP
.B 0
done
.TP
.B 1
some items failed (the rest were done), or an import lost or warned about something
.TP
.B 2
usage error or fatal error (nothing of the failing input was written)
.TP
.B 3
no work (an empty queue)
.SH ENVIRONMENT
.TP
.B BOXEL_DB
the project store, when no
.B \-\-db
is given
.TP
.B BOXEL_SAMPLE_DIR
where
.B boxel demo
finds the sample photos (default: the installed copy)
.TP
.B NO_COLOR
no colors in messages
.TP
.BR TERM ", " COLORTERM
the terminal's colors (24-bit, 256, 16 or 8)
.SH FILES
.TP
.I /usr/share/boxel/sample-data
the sample photos, taxonomy and instructions of
.B boxel demo
(under the installation prefix)
.SH SEE ALSO
.BR sqlite3 (1),
.BR ssh (1);
README.md in the source describes every command at length.
ROFF
