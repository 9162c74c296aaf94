#!/usr/bin/env bash
# Prepares .deps/ (git-ignored) with what the offline GPU machine lacks, to send along with a
# device call's `carry`: the CLI11 headers (Debian's libcli11-dev, header-only, unpacked).
# Run it here, on a machine that reaches the package registry. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .deps
if [ ! -f .deps/cli11/usr/include/CLI/CLI.hpp ]; then
  (cd .deps && rm -f libcli11-dev_*.deb && apt-get download libcli11-dev >/dev/null)
  dpkg -x .deps/libcli11-dev_*.deb .deps/cli11
  rm -f .deps/libcli11-dev_*.deb
fi
echo "fetch-deps: .deps/cli11 ready ($(du -sh .deps | cut -f1))"
