#!/bin/sh
# desc: background jobs: &, $!, wait PID, wait for all, exit statuses
# posix: yes
for i in 1 2 3 4 5 6 7 8; do
	( sleep 0.0$i; echo "job $i" >/tmp/job.$i ) &
done
wait
cat /tmp/job.1 /tmp/job.2 /tmp/job.3 /tmp/job.4 /tmp/job.5 /tmp/job.6 /tmp/job.7 /tmp/job.8
(exit 7) & p7=$!
(sleep 0.1; exit 9) & p9=$!
wait $p9; echo "wait p9: $?"
wait $p7; echo "wait p7 (already done): $?"
sh -c 'exit 42' & wait $!; echo "sh -c exit 42: $?"
# Many short jobs at once.
i=0
while [ $i -lt 50 ]; do
	echo $i >/tmp/many.$i &
	i=$((i + 1))
done
wait
cat /tmp/many.* | sort -n | tail -n 3
ls /tmp/many.* | wc -l
# A job that is still running while the shell does other work.
sleep 0.2 & slow=$!
echo "foreground work"
wait $slow; echo "slow job: $?"
# Output of background jobs into one pipe, sorted.
{ echo a & echo b & echo c & wait; } | sort
