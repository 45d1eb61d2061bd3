# Plots of a `make bench` run: gnuplot -e "dir='build/bench'" tests/bench/plots.gp
# Reads dir/prog_run.tsv, veth.tsv, exception.tsv; writes dir/*.svg.
set terminal svg size 900,600 dynamic font "sans,11" background rgb "white"
set termoption noenhanced
set datafile separator "\t"
set grid ytics lc rgb "#dddddd"
set style fill solid 0.8 border -1
set boxwidth 0.7
set key off

pr = dir."/prog_run.tsv"

# ns/frame per case and peer, the fast-path groups (median, bar; min-max, whisker)
set output dir."/ns_per_frame.svg"
set title "BPF_PROG_RUN, 64-byte frames: ns per frame (median of rounds, min-max)"
set ylabel "ns/frame"
set xtics rotate by -35 left font ",9" noenhanced
set yrange [0:*]
plot "< awk -F'\t' '$1 ~ /^(floor|hit|miss|address|police)$/' ".pr \
	using 0:3:(0.7):((strstrt(stringcolumn(2), 'netif') > 0) ? 0x1f77b4 : (strstrt(stringcolumn(2), 'xdp-filter') > 0) ? 0xff7f0e : 0x7f7f7f):xtic(2) \
	with boxes lc rgb variable, \
	"" using 0:3:4:5 with yerrorbars lc rgb "black" pt -1

# the miss path against the number of masks in use
set output dir."/ns_vs_masks.svg"
set title "netif, IPv4 miss: ns per frame against distinct tuple masks in use"
set xlabel "masks in use"
set ylabel "ns/frame"
set xtics norotate font ",10" ("1" 1, "4" 4, "16" 16, "32" 32)
set logscale x 2
set xrange [0.8:40]
plot "< awk -F'\t' '$2 == \"netif, IPv4 UDP dport 9001 (miss)\" { print 1 \"\t\" $3 \"\t\" $4 \"\t\" $5 } $1 == \"masks\" { n = $2; sub(/.*miss, /, \"\", n); sub(/ masks.*/, \"\", n); print n \"\t\" $3 \"\t\" $4 \"\t\" $5 }' ".pr \
	using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb 0x1f77b4
unset logscale x
unset xrange

# ns/frame against the flow table's size, frames spread over every flow
set output dir."/ns_vs_flows.svg"
set title "full 5-tuple drop flows: ns per frame, frames spread over all of them"
set xlabel "flows installed"
set ylabel "ns/frame (log)"
set logscale xy 10
set xrange [0.5:2e6]
set xtics ("1" 1, "1k" 1000, "100k" 100000, "1M" 1000000)
set key top left
plot "< awk -F'\t' '$1 == \"flows\" && $2 ~ /^netif/ { n = $2; sub(/netif, /, \"\", n); sub(/ flow.*/, \"\", n); sub(/k$/, \"000\", n); sub(/M$/, \"000000\", n); print n \"\t\" $3 \"\t\" $4 \"\t\" $5 }' ".pr \
	using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb 0x1f77b4 title "netif", \
     "< awk -F'\t' '$1 == \"flows\" && $2 ~ /^peer/ { n = $2; sub(/.*lookup, /, \"\", n); sub(/ entr.*/, \"\", n); sub(/k$/, \"000\", n); sub(/M$/, \"000000\", n); print n \"\t\" $3 \"\t\" $4 \"\t\" $5 }' ".pr \
	using 1:2:3:4 with yerrorlines lw 2 pt 5 lc rgb 0xd62728 title "peer: one hash lookup + count"
set key off
unset logscale
unset xrange
set xtics autofreq
unset xlabel

# Mpps per receiver on the veth pair
set output dir."/veth_mpps.svg"
set title "veth, receiver-bound (generator CPU 0, receiver CPU 1): Mpps dropped"
set ylabel "Mpps"
set xtics rotate by -20 left font ",10" noenhanced
set yrange [0:*]
plot dir."/veth.tsv" using 0:($2/1e6):(0.6):((strstrt(stringcolumn(1), 'netif') > 0) ? 0x1f77b4 : (strstrt(stringcolumn(1), 'xdp-filter') > 0) ? 0xff7f0e : 0x7f7f7f):xtic(1) \
	with boxes lc rgb variable, \
	"" using 0:($2/1e6):($3/1e6):($4/1e6) with yerrorbars lc rgb "black" pt -1

# exception-path rates
set output dir."/exception.svg"
set title "Exception path: packets/s reaching each stage (one run)"
set ylabel "Mpps (log)"
set logscale y 10
set yrange [0.01:*]
plot dir."/exception.tsv" using 0:($2/1e6):(0.6):xtic(1) with boxes lc rgb 0x2ca02c
unset logscale
