# gnuplot: results/reliability/pid_reuse.dat (scripts/pid-reuse.sh)
set termoption noenhanced
set grid
set key top left box opaque
set logscale x
set xrange [0.7:4500]
set yrange [-1:*]
set xlabel "time since the child died and was reaped (ms, log scale)"
set ylabel "wrong answers per 100 questions (dead child said to be alive)"
set title "Pid reuse, patched guest 6.1.192: pid_max 600, ~60 short-lived fillers recycling pids"
plot "pid_reuse.dat" using 1:6 with linespoints lw 4 pt 7 ps 1.6 title "proc-poll: /proc/<pid> exists", \
     "pid_reuse.dat" using 1:7 with linespoints lw 2 pt 5 ps 1.0 dt 2 title "kill0-poll: kill(pid, 0) == 0 (the same answers)", \
     "pid_reuse.dat" using 1:8 with linespoints lw 3 pt 9 ps 1.2 title "pidfd: no POLLIN on the pidfd"
