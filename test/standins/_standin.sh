# Sourced by every stand-in: record the argv, then answer the cues a test left in the state directory.
#   $STANDIN_STATE/log            one line per call: name and arguments separated by \037
#   $STANDIN_STATE/fail/NAME      line 1: grep -E pattern over "NAME ARGS"; line 2: exit code; the rest: stderr
#   $STANDIN_STATE/sigint/NAME    line 1: pattern; sends SIGINT to gpuctl (the parent) while the command runs
S="$STANDIN_STATE"
ROOT="$GPUCTL_HOST_ROOT"
me=$(basename "$0")
# One write per line: the two sides of a pipe (curl | gpg) log at the same time.
US=$(printf '\037')
line="$me"
for a in "$@"; do line="$line$US$a"; done
printf '%s\n' "$line" >> "$S/log"
joined="$me $*"
if [ -f "$S/fail/$me" ] && printf '%s\n' "$joined" | grep -Eq -- "$(sed -n 1p "$S/fail/$me")"; then
  sed -n '3,$p' "$S/fail/$me" >&2
  exit "$(sed -n 2p "$S/fail/$me")"
fi
if [ -f "$S/sigint/$me" ] && printf '%s\n' "$joined" | grep -Eq -- "$(sed -n 1p "$S/sigint/$me")"; then
  kill -INT "$PPID"
  sleep 0.5
fi

# Installs a package into the fake dpkg database (name, version) unless it is there.
add_pkg() {
  grep -q "^$1	" "$S/packages" 2>/dev/null || printf '%s\t%s\n' "$1" "$2" >> "$S/packages"
}

# What installing a package pulls in, roughly as apt resolves it on Ubuntu 22.04.
install_pkg() {
  case "$1" in
    nvidia-driver-*)
      branch=${1#nvidia-driver-}; n=${branch%%-*}
      add_pkg "$1" "$n.183.01-0ubuntu0.22.04.1"
      add_pkg "nvidia-dkms-$n" "$n.183.01-0ubuntu0.22.04.1"
      add_pkg "nvidia-utils-$n" "$n.183.01-0ubuntu0.22.04.1"
      add_pkg "libnvidia-compute-$n" "$n.183.01-0ubuntu0.22.04.1"
      add_pkg "nvidia-kernel-common-$n" "$n.183.01-0ubuntu0.22.04.1" ;;
    nvidia-driver)
      add_pkg nvidia-driver 535.216.01-1~deb12u1
      add_pkg nvidia-kernel-dkms 535.216.01-1~deb12u1 ;;
    nvidia-container-toolkit)
      add_pkg nvidia-container-toolkit 1.17.8-1
      add_pkg nvidia-container-toolkit-base 1.17.8-1
      add_pkg libnvidia-container1 1.17.8-1
      add_pkg libnvidia-container-tools 1.17.8-1
      # What the packages put on the host (under the test's host root).
      mkdir -p "$ROOT/usr/bin"
      for b in nvidia-container-runtime nvidia-container-runtime-hook nvidia-ctk nvidia-container-cli; do
        printf '#!/bin/sh\n' > "$ROOT/usr/bin/$b"; chmod +x "$ROOT/usr/bin/$b"
      done ;;
    *) add_pkg "$1" 1.0-1 ;;
  esac
}

installed() {
  grep -q "^$1	" "$S/packages" 2>/dev/null
}
