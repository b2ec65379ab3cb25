# drawn by exitwatch report; run `gnuplot mrelease.gp` here to redraw
load "plot-style.gp"
eval svg("mrelease", 1000, 600)
set title "kill -> memory freed: SIGKILL alone and SIGKILL + process_mrelease()\n(kernel 6.18.44-fc-v1252)"
set xlabel "touched anonymous memory per victim (MB; the sizes of the sweep, evenly spaced)"
set ylabel "median latency (microseconds, log scale)"
set logscale y
set format y "%.0f"
set grid xtics ytics mytics @grid
set key inside left top box opaque
set offsets graph 0.05, graph 0.05, 0, 0
set datafile missing "nan"
plot "mrelease.dat" using 0:2:xtic(1) with linespoints lw 2 pt 7 ps 1.2 lc rgb "#1f77b4" title "SIGKILL: kill -> exit_mmap end", \
     "mrelease.dat" using 0:3 with linespoints lw 2 pt 5 ps 1.2 lc rgb "#ff7f0e" title "SIGKILL + mrelease: kill -> exit_mmap end", \
     "mrelease.dat" using 0:4 with linespoints lw 2 dt 2 pt 9 ps 1.2 lc rgb "#2ca02c" title "SIGKILL + mrelease: kill -> mrelease returned"
eval png("mrelease", 1000, 600)
replot
set output
