#!/usr/bin/env bash
# Runs the OCI runtime-tools validation programs against one or more runtimes and prints
# a table: each program, and per runtime "pass", "skip" (every test in it skipped) or
# "fail: " with the program's first failing line; then the count of clean programs (no
# failing line: pass or skip) per runtime.
# Run as root:
#
#   bench/oci-validation.sh RUNTIME_TOOLS_DIR RUNTIME...
#
# RUNTIME_TOOLS_DIR is a checkout of github.com/opencontainers/runtime-tools with its
# validation programs built (`make runtimetest validation-executables`, which leaves
# runtimetest and validation/*/*.t there). Each RUNTIME is a runtime command: a path
# (/usr/sbin/runc, ./jspec), optionally with global flags in the same word, which go to
# every call unchanged ('runc --debug', './jspec --log /tmp/jspec.log'). runtime-tools
# calls it as `RUNTIME create|start|state|kill|delete ...`.
#
# Environment: OCI_VALIDATION_TIMEOUT (seconds per program, default 60),
# OCI_VALIDATION_ONLY (a regular expression: run only the programs it matches),
# OCI_VALIDATION_KEEP=1 (keep each program's full TAP output in a printed directory).
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 RUNTIME_TOOLS_DIR RUNTIME..." >&2
    exit 64
fi
tools="$(cd "$1" && pwd)"
shift
[[ -x "$tools/runtimetest" ]] || { echo "oci-validation: $tools/runtimetest is missing; build it there: make runtimetest validation-executables" >&2; exit 1; }
mapfile -t programs < <(cd "$tools" && find validation -name '*.t' -type f | sort | grep -E "${OCI_VALIDATION_ONLY:-.}" || true)
[[ ${#programs[@]} -gt 0 ]] || { echo "oci-validation: no validation/*/*.t in $tools; build them there: make runtimetest validation-executables" >&2; exit 1; }
timeout_s="${OCI_VALIDATION_TIMEOUT:-60}"

mounts_under() { # DIR: the mount points at or below DIR, deepest first
    awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}
detach_under() { # DIR
    local m
    for m in $(mounts_under "$1"); do umount -l "$m" 2>/dev/null || true; done
}

work="$(mktemp -d /tmp/oci-validation.XXXXXX)"
if [[ "${OCI_VALIDATION_KEEP:-}" == 1 ]]; then
    trap 'detach_under "$work"; rm -rf --one-file-system "$work/tmp" "$work/bin"; echo "TAP output kept in $work" >&2' EXIT
else
    trap 'detach_under "$work"; rm -rf --one-file-system "$work"' EXIT
fi
mkdir -p "$work/bin" "$work/tmp" "$work/tap"

# runtime-tools takes the runtime as one executable in $RUNTIME; a wrapper per runtime
# carries its global flags and passes runtime-tools' arguments on unchanged.
names=()
wrappers=()
for i in $(seq 1 $#); do
    spec="${!i}"
    read -r -a words <<<"$spec"
    exe="${words[0]}"
    if [[ "$exe" != /* ]]; then
        if [[ "$exe" == */* ]]; then exe="$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")"; else exe="$(command -v "$exe" || true)"; fi
    fi
    [[ -n "$exe" && -x "$exe" ]] || { echo "oci-validation: runtime ${words[0]} not found or not executable" >&2; exit 1; }
    words[0]="$exe"
    w="$work/bin/runtime$i"
    { echo '#!/bin/sh'; printf 'exec'; printf ' %q' "${words[@]}"; echo ' "$@"'; } >"$w"
    chmod +x "$w"
    wrappers+=("$w")
    names+=("$spec")
done

# The first line that says what failed: a TAP "not ok", or when the program produced no
# plan (it crashed or timed out), the last line it printed.
verdict() { # TAP_FILE EXIT_STATUS
    local tap="$1" status="$2" line
    if [[ "$status" == 124 || "$status" == 137 ]]; then
        echo "fail: timed out after ${timeout_s}s"
        return
    fi
    line="$(grep -m1 -E '^not ok' "$tap" | grep -v -E '# *TODO' || true)"
    if [[ -n "$line" ]]; then
        echo "fail: $line"
        return
    fi
    if ! grep -q -E '^1\.\.[0-9]+' "$tap"; then
        line="$(grep -v -E '^\s*$' "$tap" | tail -1 || true)"
        echo "fail: no TAP plan (exit $status): ${line:-no output}"
        return
    fi
    if [[ "$status" != 0 ]]; then
        echo "fail: exit $status"
        return
    fi
    if grep -q -E '^ok ' "$tap" && ! grep -E '^ok ' "$tap" | grep -q -v -E '# *SKIP'; then
        echo "skip: every test skipped"
        return
    fi
    echo pass
}

declare -A passed skipped
for r in "${!wrappers[@]}"; do passed[$r]=0; skipped[$r]=0; done
rows=()
for p in "${programs[@]}"; do
    name="$(basename "$p" .t)"
    row="$name"
    for r in "${!wrappers[@]}"; do
        tap="$work/tap/$name.runtime$((r + 1)).tap"
        # The programs find runtimetest and the rootfs tarball in the working directory and
        # make their bundles under TMPDIR; timeout kills the whole program if it hangs.
        status=0
        (cd "$tools" && RUNTIME="${wrappers[$r]}" TMPDIR="$work/tmp" \
            timeout --kill-after=5 "$timeout_s" "./$p") >"$tap" 2>&1 || status=$?
        v="$(verdict "$tap" "$status")"
        # A runtime that fails half-way can leave the container's mounts in the host's
        # namespace: say so, and detach them before the bundle is removed (never rm through them).
        # (A config without a mount namespace mounts in the host's on purpose: a note, not a verdict.)
        note=""
        if leaked="$(mounts_under "$work/tmp")" && [[ -n "$leaked" ]]; then
            note=" [left $(wc -l <<<"$leaked") mounts on the host]"
            detach_under "$work/tmp"
        fi
        case "$v" in
            pass) passed[$r]=$((passed[$r] + 1)) ;;
            skip*) skipped[$r]=$((skipped[$r] + 1)) ;;
        esac
        row+=$'\t'"${v:0:110}$note"
        rm -rf --one-file-system "${work:?}/tmp/"*
    done
    rows+=("$row")
    printf '%s\n' "$row" >&2
done

echo
header="program"
for n in "${names[@]}"; do header+=$'\t'"$n"; done
{
    echo "$header"
    printf '%s\n' "${rows[@]}"
    total="clean (of ${#programs[@]})"
    for r in "${!wrappers[@]}"; do
        total+=$'\t'"$((passed[$r] + skipped[$r])) ($((passed[$r])) pass, $((skipped[$r])) all skipped)"
    done
    echo "$total"
} | column -t -s $'\t'
