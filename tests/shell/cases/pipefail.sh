#!/bin/bash
# desc: exit statuses through pipes: set -o pipefail, PIPESTATUS, !, SIGPIPE
false | true; echo "default: $?"
true | false; echo "default, last fails: $?"
set -o pipefail
false | true; echo "pipefail: $?"
(exit 3) | (exit 4) | true; echo "pipefail rightmost failure: $?"
true | true | true; echo "pipefail all ok: $?"
(exit 3) | (exit 4) | (exit 0); echo "PIPESTATUS: ${PIPESTATUS[*]}"
seq 1 100000 | head -n 1; echo "SIGPIPE: $? ${PIPESTATUS[*]}"
yes | head -c 10 >/dev/null; echo "yes | head: ${PIPESTATUS[*]}"
! false | false; echo "negated: $?"
if false | true; then echo "if: true"; else echo "if: false"; fi
set +o pipefail
(exit 3) | (exit 4) | true; echo "pipefail off: $? (${PIPESTATUS[*]})"
set -o pipefail
grep nomatch /etc/passwd | wc -l; echo "grep no match: ${PIPESTATUS[*]}"
cat /nonexistent 2>/dev/null | sort | uniq; echo "missing file: $?"
# The job report carries PIDs: normalise them.
{ bash -c 'kill -SEGV $$' 2>/dev/null | cat; echo "segv in pipe: $? ${PIPESTATUS[*]}"; } 2>&1 |
	sed 's/^\( *\)[0-9][0-9]* \([A-Z]\)/\1PID \2/; s/: *[0-9][0-9]* \([A-Z]\)/: PID \1/'
set -o pipefail
set -e
trap 'echo "ERR trap, status $?"' ERR
(exit 6) | true || echo "|| caught $?"
false | true
echo "not reached"
