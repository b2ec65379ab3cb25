# drawn by exitwatch report; run `gnuplot latency_cdf.gp` here to redraw
load "plot-style.gp"
eval svg("latency_cdf", 1000, 600)
set title "How fast a watcher learns that a child died (one child killed at a time)\nfrom sched_process_exit in the kernel to the watcher's clock reading; AMD EPYC, kernel 6.18.44-fc-v1252"
set xlabel "latency (microseconds, log scale)"
set ylabel "fraction of exits noticed within that latency"
set logscale x
set format x "%.0f"
set yrange [0:1]
set ytics 0.1
set grid xtics mxtics ytics @grid
set key outside right top title "mechanism"
plot "cdf_pidfd-epoll.dat" using 1:2 with lines lw 2 dt 1 lc rgb "#1f77b4" title "pidfd-epoll", \
     "cdf_pidfd-poll.dat" using 1:2 with lines lw 2 dt 1 lc rgb "#ff7f0e" title "pidfd-poll", \
     "cdf_waitid.dat" using 1:2 with lines lw 2 dt 1 lc rgb "#2ca02c" title "waitid", \
     "cdf_sigchld-scan.dat" using 1:2 with lines lw 2 dt 2 lc rgb "#d62728" title "sigchld-scan", \
     "cdf_proc-poll.dat" using 1:2 with lines lw 2 dt 2 lc rgb "#9467bd" title "proc-poll", \
     "cdf_kill0-poll.dat" using 1:2 with lines lw 2 dt 2 lc rgb "#8c564b" title "kill0-poll", \
     "cdf_cn-proc.dat" using 1:2 with lines lw 2 dt 4 lc rgb "#e377c2" title "cn-proc", \
     "cdf_uring-waitid.dat" using 1:2 with lines lw 2 dt 4 lc rgb "#17becf" title "uring-waitid", \
     "cdf_pidfd-info.dat" using 1:2 with lines lw 2 dt 4 lc rgb "#7f7f7f" title "pidfd-info"
eval png("latency_cdf", 1000, 600)
replot
set output
