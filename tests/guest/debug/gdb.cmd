set pagination off
set confirm off
set startup-with-shell off
break add
run
step
info registers rip
print a
print b
next
print c
finish
continue
