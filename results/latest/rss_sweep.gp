# drawn by exitwatch report; run `gnuplot rss_sweep.gp` here to redraw
load "plot-style.gp"
eval svg("rss_sweep", 1000, 600)
set title "exit -> notice and exit -> memory freed against the victim's touched RSS\n(kernel 6.18.44-fc-v1252)"
set xlabel "touched anonymous memory per victim (MB; the sizes of the sweep, evenly spaced)"
set ylabel "median latency (microseconds, log scale)"
set logscale y
set format y "%.0f"
set grid xtics ytics mytics @grid
set key outside right top
set offsets graph 0.05, graph 0.05, 0, 0
set datafile missing "nan"
plot "sweep.dat" using 0:2:xtic(1) with linespoints lw 3 pt 7 ps 1.3 lc rgb "black" title "exit -> memory freed", \
     "sweep.dat" using 0:3 with linespoints lw 2 ps 1.1 dt 1 pt 5 lc rgb "#1f77b4" title "pidfd-epoll", \
     "sweep.dat" using 0:4 with linespoints lw 2 ps 1.1 dt 1 pt 7 lc rgb "#ff7f0e" title "pidfd-poll", \
     "sweep.dat" using 0:5 with linespoints lw 2 ps 1.1 dt 1 pt 9 lc rgb "#2ca02c" title "waitid", \
     "sweep.dat" using 0:6 with linespoints lw 2 ps 1.1 dt 2 pt 11 lc rgb "#d62728" title "sigchld-scan", \
     "sweep.dat" using 0:7 with linespoints lw 2 ps 1.1 dt 2 pt 5 lc rgb "#9467bd" title "proc-poll", \
     "sweep.dat" using 0:8 with linespoints lw 2 ps 1.1 dt 2 pt 7 lc rgb "#8c564b" title "kill0-poll", \
     "sweep.dat" using 0:9 with linespoints lw 2 ps 1.1 dt 4 pt 9 lc rgb "#e377c2" title "cn-proc", \
     "sweep.dat" using 0:10 with linespoints lw 2 ps 1.1 dt 4 pt 11 lc rgb "#17becf" title "uring-waitid", \
     "sweep.dat" using 0:11 with linespoints lw 2 ps 1.1 dt 4 pt 5 lc rgb "#7f7f7f" title "pidfd-info"
eval png("rss_sweep", 1000, 600)
replot
set output
