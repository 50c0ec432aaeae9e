#!/usr/bin/env bash
# Start-up benchmark: `jspec run` and `runc run` of the same bundle, side by side, with
# hyperfine. Prints both medians and their ratio. Run as root from anywhere:
#
#   bench/startup.sh [RUNS]        (default 30; needs runc, hyperfine, busybox-static, python3)
#
# The bundle is runc's own default config (`runc spec`) running `true` in a busybox root
# filesystem, read by both runtimes unchanged, so both do the same work: the same
# namespaces, mounts, masked paths and capabilities.
set -euo pipefail

runs="${1:-30}"
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

python3 - "$work/result.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
runc, jspec = results["runc"]["median"], results["jspec"]["median"]
print()
print(f"median runc  run: {runc * 1000:7.1f} ms")
print(f"median jspec run: {jspec * 1000:7.1f} ms")
print(f"ratio jspec/runc: {jspec / runc:7.2f}x")
PY
