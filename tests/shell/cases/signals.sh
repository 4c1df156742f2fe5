#!/bin/sh
# desc: deaths by signal: kill -9 (137), SEGV (139), TERM (143), ABRT, in pipes
# posix: yes
# The shell's job reports carry PIDs: normalise them.
norm() { sed 's/: *[0-9][0-9]* \([A-Z]\)/: PID \1/'; }
{
	sleep 100 & p=$!
	kill -9 $p
	wait $p; echo "kill -9 of a child: $?"
	sh -c 'kill -SEGV $$'; echo "child segfault: $?"
	bash -c 'kill -SEGV $$'; echo "bash child segfault: $?"
	sh -c 'kill -9 $$'; echo "child kill -9 itself: $?"
	sh -c 'kill -TERM $$'; echo "child TERM itself: $?"
	sh -c 'kill -ABRT $$'; echo "child ABRT itself: $?"
	sh -c 'kill -USR1 $$'; echo "child USR1 itself: $?"
	x=$(sh -c 'kill -SEGV $$'); echo "segfault in \$(): $?"
	# One at a time: a shell reports a death only while it waits for
	# that job, and which one it reaps first would depend on timing.
	sleep 100 & a=$!; sleep 100 & b=$!
	kill -9 $a; wait $a; ra=$?
	kill -9 $b; wait $b; echo "two killed: $ra $?"
} 2>&1 | norm
ulimit -c 0
{ sh -c 'kill -SEGV $$' 2>/dev/null; echo "with ulimit -c 0: $?"; } 2>&1 | norm
exit 0
