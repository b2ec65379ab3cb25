# drawn by exitwatch report; run `gnuplot stages.gp` here to redraw
load "plot-style.gp"
eval svg("stages", 1000, 600)
set title "Where the time from a child's exit to the watcher knowing goes\n(mean per exit, one child killed at a time, kernel 6.18.44-fc-v1252)"
set ylabel "mean time per exit (microseconds)"
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.7
set key outside below horizontal maxrows 2 title "stage"
set grid ytics @grid
set xtics rotate by -25 nomirror
set yrange [0:*]
plot "stages.dat" using 2:xtic(1) lc rgb "#9467bd" title "exit tracepoint -> mm teardown starts", \
     '' using 3 lc rgb "#2ca02c" title "mm teardown (exit_mm .. exit_mmap)", \
     '' using 4 lc rgb "#17becf" title "mm done -> parent notified (files, fs, ns, cgroup...)", \
     '' using 5 lc rgb "#ff7f0e" title "notified -> watcher woken", \
     '' using 6 lc rgb "#d62728" title "woken -> watcher on a CPU", \
     '' using 7 lc rgb "#1f77b4" title "on CPU -> user-space stamp"
eval png("stages", 1000, 600)
replot
set output
