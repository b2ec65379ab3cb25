# harness/plot-style.gp - the one gnuplot style of every plot in the report:
# exitwatch report's own plots (harness/report.c copies this file beside
# them, so that `gnuplot NAME.gp` redraws one there), the A/B section
# (scripts/ab-section.sh), pid reuse (scripts/pid-reuse.sh) and the exact
# cost (scripts/cost.sh).  A plot is drawn twice, as SVG for report.html and
# as PNG to look at, from the same commands:
#
#	load "plot-style.gp"
#	eval svg("NAME", 1000, 600)
#	... set and plot ...
#	eval png("NAME", 1000, 600)
#	replot
#	set output
#
# (a multiplot cannot be replotted: its script is run once per terminal,
# with `eval svg(...)` or `eval png(...)` first).  The PNG is 1.2 times the
# SVG's size so that the text is as large relative to the plot.

svg(name, w, h) = sprintf("set terminal svg size %d,%d dynamic noenhanced font \"Helvetica,13\" background rgb \"white\"; set output \"%s.svg\"", w, h, name)
png(name, w, h) = sprintf("set terminal pngcairo size %d,%d noenhanced font \"Helvetica,12\" background rgb \"white\"; set output \"%s.png\"", w * 6 / 5, h * 6 / 5, name)
# grid lines under the data, light enough not to be taken for data
grid = "lc rgb \"#c8c8c8\""
