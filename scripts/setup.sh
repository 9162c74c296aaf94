#!/usr/bin/env bash
# Installs what the build needs on a fresh Debian/Ubuntu machine: compiler, CMake, HDF5, zlib,
# oneDNN and OpenBLAS in its OpenMP build (the CPU backend's convolution and GEMM, sharing one
# thread pool), nlohmann-json (run records), libpng (the report's slice previews),
# GoogleTest, CLI11. With --test (scripts/test.sh) also what only the tests use: Chromium, which
# renders report.html headless, and clang with libFuzzer and LLVM's OpenMP for the fuzz harnesses
# (scripts/fuzz.sh). Safe to run any number of times; installs only what is missing. On a machine
# without a package registry (the GPU machine) it installs nothing and the build falls back to the
# sources found there (GoogleTest in /usr/src, CLI11 unpacked into .deps/ by scripts/fetch-deps.sh).
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
packages=(build-essential cmake libhdf5-dev zlib1g-dev libgtest-dev libcli11-dev libdnnl-dev
  libopenblas-openmp-dev nlohmann-json3-dev libpng-dev)
if [ "${1:-}" = "--test" ]; then packages+=(chromium clang libclang-rt-dev libomp-dev); fi
for pkg in "${packages[@]}"; do
  have_pkg "$pkg" || need+=("$pkg")
done

if [ ${#need[@]} -eq 0 ]; then
  echo "setup: all build dependencies present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: missing ${need[*]} and no apt-get to install them" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/tmp/semisam-setup.log 2>&1; then
  $SUDO apt-get update -qq >>/tmp/semisam-setup.log 2>&1 || true
  if ! $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >>/tmp/semisam-setup.log 2>&1; then
    # Without a registry (the GPU machine) go on with what is there; CMake says what is missing.
    echo "setup: could not install ${need[*]} (see /tmp/semisam-setup.log); continuing" >&2
  fi
fi
