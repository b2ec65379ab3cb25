# drawn by exitwatch report; run `gnuplot mrelease.gp` here to redraw
set terminal svg size 1000,600 dynamic noenhanced font "Helvetica,13" background rgb "white"
set output "mrelease.svg"
set title "kill -> memory freed: SIGKILL alone and SIGKILL + process_mrelease()\n(kernel 6.18.44-fc-v1252)"
set xlabel "touched anonymous memory per victim (MB; the sizes of the sweep, evenly spaced)"
set ylabel "median latency (microseconds, log scale)"
set logscale y
set format y "%.0f"
set grid xtics ytics mytics lc rgb "#c8c8c8"
set key inside left top box opaque
set offsets graph 0.05, graph 0.05, 0, 0
set datafile missing "nan"
plot "mrelease.dat" using 0:2:xtic(1) with linespoints lw 2 pt 7 ps 1.2 lc rgb "#1f77b4" title "SIGKILL: kill -> exit_mmap end", \
     "mrelease.dat" using 0:3 with linespoints lw 2 pt 5 ps 1.2 lc rgb "#ff7f0e" title "SIGKILL + mrelease: kill -> exit_mmap end", \
     "mrelease.dat" using 0:4 with linespoints lw 2 dt 2 pt 9 ps 1.2 lc rgb "#2ca02c" title "SIGKILL + mrelease: kill -> mrelease returned"
set terminal pngcairo size 1200,720 noenhanced font "Helvetica,12" background rgb "white"
set output "mrelease.png"
replot
set output
