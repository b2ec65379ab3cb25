# drawn by exitwatch report; run `gnuplot cpu_vs_n.gp` here to redraw
load "plot-style.gp"
eval svg("cpu_vs_n", 1000, 600)
set title "Watcher thread CPU time per exit against burst size N (CLONE_VM children)\n(kernel 6.18.44-fc-v1252)"
set xlabel "children killed at once, N (log scale)"
set ylabel "watcher CPU per exit (microseconds, log scale)"
set logscale xy
set format x "%.0f"
set format y "%.0f"
set grid xtics ytics mytics @grid
set key outside right top title "mechanism"
set offsets graph 0.03, graph 0.03, 0, 0
plot "byn_pidfd-epoll.dat" using 1:3 with linespoints lw 2 ps 1.2 dt 1 pt 5 lc rgb "#1f77b4" title "pidfd-epoll", \
     "byn_pidfd-poll.dat" using 1:3 with linespoints lw 2 ps 1.2 dt 1 pt 7 lc rgb "#ff7f0e" title "pidfd-poll", \
     "byn_waitid.dat" using 1:3 with linespoints lw 2 ps 1.2 dt 1 pt 9 lc rgb "#2ca02c" title "waitid", \
     "byn_sigchld-scan.dat" using 1:3 with linespoints lw 2 ps 1.2 dt 2 pt 11 lc rgb "#d62728" title "sigchld-scan", \
     "byn_proc-poll.dat" using 1:3 with linespoints lw 2 ps 1.2 dt 2 pt 5 lc rgb "#9467bd" title "proc-poll", \
     "byn_kill0-poll.dat" using 1:3 with linespoints lw 2 ps 1.2 dt 2 pt 7 lc rgb "#8c564b" title "kill0-poll", \
     "byn_cn-proc.dat" using 1:3 with linespoints lw 2 ps 1.2 dt 4 pt 9 lc rgb "#e377c2" title "cn-proc", \
     "byn_uring-waitid.dat" using 1:3 with linespoints lw 2 ps 1.2 dt 4 pt 11 lc rgb "#17becf" title "uring-waitid", \
     "byn_pidfd-info.dat" using 1:3 with linespoints lw 2 ps 1.2 dt 4 pt 5 lc rgb "#7f7f7f" title "pidfd-info"
eval png("cpu_vs_n", 1000, 600)
replot
set output
