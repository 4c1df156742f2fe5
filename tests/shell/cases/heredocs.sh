#!/bin/sh
# desc: here-documents: expanded, quoted, <<-, into pipes and loops
# posix: yes
name=world
cat <<END
hello $name
sum $((2 + 3)) and $(echo substituted)
literal \$name and backslash \\
END
cat <<'END'
quoted: $name $(not run) `not run`
END
	cat <<-END
	tabs stripped for $name
		nested tab stripped once
	END
while read -r a b; do
	echo "read: $b $a"
done <<END
1 one
2 two
3 three
END
tr a-z A-Z <<END | sed 's/^/upper: /'
piped here-document
END
f() {
	cat <<EOT
in function: $1
EOT
}
f arg
cat <<A; cat <<B
first doc
A
second doc
B
big=$(i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i + 1)); done)
cat <<END | wc -l
$big
END
sh <<'END'
echo "script from a here-document, pid is not printed"
exit 4
END
echo "sh status: $?"
