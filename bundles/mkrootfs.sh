#!/bin/sh
# Assembles a minimal root filesystem from the host's static busybox: one binary and a
# symlink per applet. Usage: mkrootfs.sh DIR   (DIR must not exist yet)
set -eu
dir="$1"
busybox="${BUSYBOX:-/bin/busybox}"
if [ ! -x "$busybox" ]; then
    echo "mkrootfs: $busybox not found; install a static busybox (apt-get install busybox-static)" >&2
    exit 1
fi
if ! file_out="$(LC_ALL=C "$busybox" 2>&1 | head -1)"; then :; fi
tmp="$dir.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/bin" "$tmp/sbin" "$tmp/usr/bin" "$tmp/usr/sbin" "$tmp/etc" "$tmp/proc" "$tmp/sys" \
         "$tmp/dev" "$tmp/tmp" "$tmp/root" "$tmp/home" "$tmp/var" "$tmp/run"
chmod 1777 "$tmp/tmp"
cp "$busybox" "$tmp/bin/busybox"
for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] && continue
    [ -e "$tmp/bin/$applet" ] || ln -s busybox "$tmp/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$tmp/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$tmp/etc/group"
mv "$tmp" "$dir"
echo "mkrootfs: assembled $dir from $busybox ($file_out)"
