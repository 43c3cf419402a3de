# The chart of a perf/bench.sh run: for each workload, every tpserve
# variant's figure divided by nginx's of the same run (the median of the
# per-round ratios, the CSV's `median` rows). Left: requests/s (idle-memory:
# RSS) -- above 1 is faster (idle-memory: more memory). Right: server CPU
# per request -- below 1 is cheaper. The dashed line is nginx; the y axes
# are logarithmic.
#
#   gnuplot -e "csv='perf/results/latest.csv'; png='perf/results/latest.png'" perf/chart.gnuplot
#
# Both variables are optional (those are the defaults). Needs awk.

if (!exists("csv")) csv = 'perf/results/latest.csv'
if (!exists("png")) png = 'perf/results/latest.png'

# pivot(COLUMN): a table, a header of the tpserve servers and one row per
# workload with their ratio in CSV column COLUMN ("?" when there is none).
pivot(column) = sprintf("< awk -F, -v c=%d '" . \
  "NR > 1 && $3 == \"median\" && $2 != \"nginx\" {" . \
  "  if (!($1 in w)) { w[$1] = 1; wl[++nw] = $1 }" . \
  "  if (!($2 in s)) { s[$2] = 1; sl[++ns] = $2 }" . \
  "  v[$1, $2] = $c }" . \
  "END { printf \"workload\"; for (j = 1; j <= ns; j++) printf \" %%s\", sl[j]; print \"\";" . \
  "  for (i = 1; i <= nw; i++) { printf \"%%s\", wl[i];" . \
  "    for (j = 1; j <= ns; j++) { x = v[wl[i], sl[j]]; printf \" %%s\", (x == \"\" ? \"?\" : x) } print \"\" } }' '%s'", \
  column, csv)

servers = int(system(sprintf("awk -F, 'NR > 1 && $3 == \"median\" && $2 != \"nginx\" && !($2 in s) { s[$2] = 1; n++ } END { print n + 0 }' '%s'", csv)))
if (servers < 1) { print "chart.gnuplot: no tpserve median rows in ", csv; exit }
stamp = system(sprintf("date -r '%s' '+%%Y-%%m-%%d %%H:%%M' 2>/dev/null", csv))

set terminal pngcairo noenhanced size 1400,520 font "sans,10"  # "io_uring" is a name, not a subscript
set output png
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set xtics rotate by -30 nomirror
# Log scale: 0.5x and 2x are as far from nginx's 1, and a large ratio (the
# idle-memory RSS can be tens) does not flatten the others.
set logscale y 2
set yrange [0.25:*]
set format y "%g"
set key top left
set multiplot layout 1,2 title sprintf("tpserve / nginx, same run (%s)", stamp)

set title "requests/s (idle-memory: RSS) vs nginx -- higher is faster"
plot for [i=2:servers+1] pivot(18) using i:xtic(1) title columnheader(i), \
     1 with lines dashtype 2 lc rgb "black" title "nginx"

set title "server CPU per request vs nginx -- lower is cheaper"
plot for [i=2:servers+1] pivot(19) using i:xtic(1) title columnheader(i), \
     1 with lines dashtype 2 lc rgb "black" title "nginx"

unset multiplot
