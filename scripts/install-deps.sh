#!/usr/bin/env bash
# Installs the Debian 12 packages M6 Workbench needs to build, test and run.
# --tests adds what only the tests use (never the product): Debian's python3-torch, which runs the
# README's Python example against an exported model file, and clang-format and clang-tidy
# (scripts/check-format.sh, scripts/check-tidy.sh).
# Idempotent: when every package is already installed it does nothing (no apt-get update).
# Uses sudo when not run as root.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config
  # Qt 6 (widgets, sql with the sqlite driver, test) and plotting
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libgl-dev
  libqcustomplot-dev libqcustomplot2.1-qt6
  # LibTorch 1.13 (CPU) and what makes it fast on this kind of machine:
  # OpenBLAS instead of the reference BLAS, tcmalloc instead of glibc malloc.
  libtorch-dev libopenblas0-pthread libtcmalloc-minimal4
  # SQLite; nlohmann-json (every JSON the program reads, JSON lines included); gzip input (zlib);
  # zip archives (libarchive)
  libsqlite3-dev sqlite3 nlohmann-json3-dev zlib1g-dev libarchive-dev
  # data-parallel training: the headers of Gloo, the c10d backend Debian's LibTorch links
  libgloo-dev
  # running the GUI and its tests without a display
  xvfb xauth
  # the libFuzzer harnesses (scripts/fuzz.sh): clang with its fuzzer and sanitizer runtimes;
  # util-linux's unshare for the disk-full test's private mounts
  clang libclang-rt-14-dev util-linux
)

if [ "${1:-}" = "--tests" ]; then
  PACKAGES+=(python3-torch clang-format clang-tidy)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"

# Debian selects libblas.so.3 through alternatives; make sure OpenBLAS (pthread) is the one
# LibTorch gets, not the slow reference BLAS.
arch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
for lib in libblas.so.3 liblapack.so.3; do
  cand="/usr/lib/${arch}/openblas-pthread/${lib}"
  if [ -e "$cand" ]; then
    $SUDO update-alternatives --set "${lib}-${arch}" "$cand" >/dev/null 2>&1 || true
  fi
done
echo "install-deps: done"
