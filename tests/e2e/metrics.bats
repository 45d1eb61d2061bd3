#!/usr/bin/env bats
# netifd --metrics: the Prometheus exposition judged by Prometheus' own
# tools -- promtool on a real scrape, and a real Prometheus server
# scraping netifd inside the test's namespace, whose answer to a query is
# what netifctl -j stats show says.

load helpers

MPORT=19464
PPORT=19090

setup() {
	setup_topology
	inb ethtool -K veth1 tx off >/dev/null
}

teardown() {
	teardown_topology
}

scrape() { ina curl -sf "http://127.0.0.1:$MPORT/metrics"; }

# Everything the exposition covers: flows of each table, an llink and its
# qsets, filters, a bound port, and a netif whose name needs escaping.
populate() {
	nctl attach dev veth0 >/dev/null
	nctl flow add dev veth0 tuple proto icmp type 8 action pass >/dev/null
	nctl flow add dev veth0 tuple proto udp dport 9 action drop rate 1mbit >/dev/null
	nctl flow add dev veth0 ula local $IP6_A remote $IP6_B action pass >/dev/null
	nctl flow add dev veth0 ethertype 0x88b5 action port 3 >/dev/null
	nctl llink add dev veth0 id 7 vlan 10 qset default rx 1 tx 1 qset rx 0 tx 1 rate 10mbit
	nctl filter add dev veth0 count >/dev/null
	bg_in "$NS_A" "$NETIFCAT" -S "$SOCK" -q dev veth0 port 3
	wait_for "nctl -j port show dev veth0 | jq -e 'length == 1'"
	ip -n "$NS_A" link add 'q"x\y' type veth peer qpeer
	ip -n "$NS_A" link set 'q"x\y' up
	ip -n "$NS_A" link set qpeer up
	nctl attach dev 'q"x\y' mode compat >/dev/null
	inb ping -c 5 -i 0.1 -q $IP_A >/dev/null
}

@test "promtool check metrics passes on a real scrape, with every kind of series" {
	start_netifd --metrics "127.0.0.1:$MPORT"
	populate
	scrape >"$TMP/m.txt"
	run ina promtool check metrics <"$TMP/m.txt"
	assert_success
	assert_output ""
	run grep -c '^# TYPE ' "$TMP/m.txt"
	[ "$output" -gt 60 ]
	# the counters of both lists, under their names, with the netif's own values
	local rx
	rx=$(stat_of veth0 rx_packets)
	grep -q "^netif_rx_packets_total{ifname=\"veth0\"} [0-9]" "$TMP/m.txt"
	grep -q "^netif_agent_flow_add_total{ifname=\"veth0\"} 4$" "$TMP/m.txt"
	# flows with their uuid, table and direction
	local u
	u=$(nctl -j flow show dev veth0 | jq -r '.[] | select(.proto == "icmp") | .uuid')
	grep -q "^netif_flow_packets_total{ifname=\"veth0\",uuid=\"$u\",table=\"tuple\",dir=\"in\"} 5$" "$TMP/m.txt"
	grep -q '^netif_flow_drops_total{ifname="veth0",uuid="[0-9a-f-]*",table="ula",dir="in"} 0$' "$TMP/m.txt"
	grep -q '^netif_flow_bytes_total{ifname="veth0",uuid="[0-9a-f-]*",table="ethertype",dir="in"} 0$' "$TMP/m.txt"
	# llinks, qsets, filters, ports
	grep -q '^netif_llink_rx_packets_total{ifname="veth0",llink="7",vlan="10"} 0$' "$TMP/m.txt"
	grep -q '^netif_qset_drops_total{ifname="veth0",llink="7",qset="1"} 0$' "$TMP/m.txt"
	grep -q '^netif_filter_packets_total{ifname="veth0",filter="1",kind="count"} [1-9]' "$TMP/m.txt"
	grep -q '^netif_port_rx_packets_total{ifname="veth0",port="3"} 0$' "$TMP/m.txt"
	# a name with a quote and a backslash, escaped as the format says
	grep -qF 'netif_info{ifname="q\"x\\y",uuid="' "$TMP/m.txt"
	grep -q '^netifd_netifs 2$' "$TMP/m.txt"
	grep -q '^netifd_metrics_scrapes_total 1$' "$TMP/m.txt"
}

@test "a Prometheus server scrapes netifd: its netif_rx_packets_total is netifctl's rx_packets" {
	# no stray IPv6 traffic to move the counter between a scrape and netifctl
	inb sysctl -qw net.ipv6.conf.veth1.disable_ipv6=1
	ina sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	start_netifd --metrics "127.0.0.1:$MPORT"
	nctl attach dev veth0 >/dev/null
	cat >"$TMP/prometheus.yml" <<-EOF
		global:
		  scrape_interval: 1s
		  evaluation_interval: 1s
		scrape_configs:
		  - job_name: netifd
		    static_configs:
		      - targets: ['127.0.0.1:$MPORT']
	EOF
	run ina promtool check config "$TMP/prometheus.yml"
	assert_success
	bg_in "$NS_A" prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/prom" \
		--web.listen-address="127.0.0.1:$PPORT" --log.level=warn
	query() { ina curl -sf "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$1"; }
	wait_for "query 'up{job=\"netifd\"}' | jq -e '.data.result[0].value[1] == \"1\"'"
	wait_for "query 'netif_rx_packets_total' | jq -e '.data.result | length == 1'"
	inb ping -c 20 -i 0.05 -q $IP_A >/dev/null
	local i want got
	# the latest sample Prometheus holds catches up with the counter once a
	# scrape follows the last frame (scrapes are late on a busy machine)
	want=$(stat_of veth0 rx_packets)
	for i in $(seq 1 60); do
		got=$(query 'netif_rx_packets_total{ifname="veth0"}' | jq -r '.data.result[0].value[1]')
		[ "$got" = "$want" ] && break
		sleep 0.5
		want=$(stat_of veth0 rx_packets)
	done
	echo "Prometheus: netif_rx_packets_total $got, netifctl: rx_packets $want" >&3
	[ "$want" -ge 20 ]
	assert_equal "$got" "$want"
	# and the series Prometheus stored are the ones netifd wrote, typed as counters
	run query 'count({__name__=~"netif_.*_total", ifname="veth0"})'
	[ "$(echo "$output" | jq -r '.data.result[0].value[1]')" -gt 60 ]
	run ina curl -sf "http://127.0.0.1:$PPORT/api/v1/metadata?metric=netif_rx_packets_total"
	assert_equal "$(echo "$output" | jq -r '.data.netif_rx_packets_total[0].type')" counter
}

@test "metrics are off by default; a bad address stops netifd at start; only GET /metrics" {
	start_netifd
	run ina curl -s "http://127.0.0.1:$MPORT/metrics"
	assert_failure
	stop_netifd
	run ina "$NETIFD" -f -S "$SOCK" -P "$PIN_ROOT" --metrics nonsense
	assert_failure 1
	assert_output --partial 'is not ADDR:PORT'
	start_netifd --metrics "[::1]:$MPORT"
	run ina curl -s -o /dev/null -w '%{http_code}' "http://[::1]:$MPORT/metrics"
	assert_output 200
	run ina curl -s -o /dev/null -w '%{http_code}' "http://[::1]:$MPORT/other"
	assert_output 404
	run ina curl -s -o /dev/null -w '%{http_code}' -X POST "http://[::1]:$MPORT/metrics"
	assert_output 405
}
