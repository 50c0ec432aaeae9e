#!/usr/bin/env bash
# Start-up benchmark: `jspec run` and `runc run` of the same bundle, side by side, with
# hyperfine, then an engine's create/start/state/delete cycle of each (CYCLE=0 skips it).
# Prints the medians and their ratios, then each one's peak RSS (the largest
# resident set of any one process of the run, from GNU time's %M over RSS_RUNS runs).
# Run as root from anywhere:
#
#   bench/startup.sh [RUNS]        (default 30; needs runc, hyperfine, busybox-static, python3,
#                                   and GNU time (apt-get install time) for the RSS figures)
#
# The bundle is runc's own default config (`runc spec`) running `true` in a busybox root
# filesystem, read by both runtimes unchanged, so both do the same work: the same
# namespaces, mounts, masked paths and capabilities.
set -euo pipefail

runs="${1:-30}"
rss_runs="${RSS_RUNS:-5}"
home="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
for tool in runc hyperfine python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y runc hyperfine python3)" >&2; exit 1; }
done

work="$(mktemp -d /tmp/jspec-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
"$home/bundles/mkrootfs.sh" "$work/bundle/rootfs" >/dev/null
(cd "$work/bundle" && runc spec)
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
path = sys.argv[1]
spec = json.load(open(path))
spec["process"]["terminal"] = False
spec["process"]["args"] = ["true"]
spec["root"]["readonly"] = True
json.dump(spec, open(path, "w"), indent=2)
PY

"$home/jspec" --version >/dev/null   # builds the jar if needed, outside the timing
"$home/jspec" validate "$work/bundle" >/dev/null

hyperfine --warmup 3 --runs "$runs" --style basic --export-json "$work/result.json" \
    -n runc "runc --root $work/runc-state run --bundle $work/bundle bench-runc" \
    -n jspec "$home/jspec --root $work/jspec-state run --bundle $work/bundle bench-jspec"

# Peak RSS: GNU time reports the largest of the process and its waited-for descendants
# (getrusage RUSAGE_CHILDREN's ru_maxrss), so for jspec that is the larger of the
# parent JVM and the init JVM, for runc the larger of runc and its runc init.
: > "$work/rss"
if [[ -x /usr/bin/time ]]; then
    for ((i = 0; i < rss_runs; i++)); do
        /usr/bin/time -f "runc %M" -a -o "$work/rss" runc --root "$work/runc-state" run --bundle "$work/bundle" bench-runc
        /usr/bin/time -f "jspec %M" -a -o "$work/rss" "$home/jspec" --root "$work/jspec-state" run --bundle "$work/bundle" bench-jspec
    done
else
    echo "bench: /usr/bin/time is missing (apt-get install -y time); no RSS figures" >&2
fi

# The create/start/state/delete cycle an engine (containerd's shim, podman with conmon)
# drives for every container: create, start, state polled until the program has exited,
# delete. One hyperfine command is one whole cycle, so its median is the engine's cost.
cycle() { # RUNTIME STATE-ROOT ID: the cycle as one shell command line
    local x="$1 --root $2"
    printf '%s create --bundle %s %s && %s start %s && while :; do case "$(%s state %s)" in *\"stopped\"*) break ;; esac; done && %s delete %s' \
        "$x" "$work/bundle" "$3" "$x" "$3" "$x" "$3" "$x" "$3"
}
if [[ "${CYCLE:-1}" != 0 ]]; then
    hyperfine --warmup 2 --runs "$runs" --style basic --export-json "$work/cycle.json" \
        -n runc "$(cycle runc "$work/runc-state" cycle-runc)" \
        -n jspec "$(cycle "$home/jspec" "$work/jspec-state" cycle-jspec)"
fi

python3 - "$work/result.json" "$work/rss" "$work/cycle.json" <<'PY'
import json, statistics, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
runc, jspec = results["runc"]["median"], results["jspec"]["median"]
print()
print(f"median runc  run: {runc * 1000:7.1f} ms")
print(f"median jspec run: {jspec * 1000:7.1f} ms")
print(f"ratio jspec/runc: {jspec / runc:7.2f}x")
try:
    cycle = {r["command"]: r for r in json.load(open(sys.argv[3]))["results"]}
    cr, cj = cycle["runc"]["median"], cycle["jspec"]["median"]
    print(f"median runc  create+start+state+delete: {cr * 1000:7.1f} ms")
    print(f"median jspec create+start+state+delete: {cj * 1000:7.1f} ms")
    print(f"ratio jspec/runc:                       {cj / cr:7.2f}x")
except (OSError, KeyError):
    pass
rss = {}
for line in open(sys.argv[2]):
    parts = line.split()
    if len(parts) == 2 and parts[1].isdigit():
        rss.setdefault(parts[0], []).append(int(parts[1]))
if "runc" in rss and "jspec" in rss:
    r, j = statistics.median(rss["runc"]), statistics.median(rss["jspec"])
    print(f"peak RSS runc  run: {r / 1024:6.1f} MiB (median of {len(rss['runc'])})")
    print(f"peak RSS jspec run: {j / 1024:6.1f} MiB (median of {len(rss['jspec'])})")
    print(f"ratio jspec/runc:   {j / r:6.2f}x")
PY
