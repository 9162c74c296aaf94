#!/usr/bin/env bash
# Prepares .deps/ (git-ignored) with what the offline GPU machine lacks, to send along with a
# device call's `carry`: the CLI11 and nlohmann-json headers (Debian's libcli11-dev and
# nlohmann-json3-dev, both header-only, unpacked).
# Run it here, on a machine that reaches the package registry. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .deps
if [ ! -f .deps/cli11/usr/include/CLI/CLI.hpp ]; then
  (cd .deps && rm -f libcli11-dev_*.deb && apt-get download libcli11-dev >/dev/null)
  dpkg -x .deps/libcli11-dev_*.deb .deps/cli11
  rm -f .deps/libcli11-dev_*.deb
fi
if [ ! -f .deps/json/usr/include/nlohmann/json.hpp ]; then
  (cd .deps && rm -f nlohmann-json3-dev_*.deb && apt-get download nlohmann-json3-dev >/dev/null)
  dpkg -x .deps/nlohmann-json3-dev_*.deb .deps/json
  rm -f .deps/nlohmann-json3-dev_*.deb
fi
echo "fetch-deps: .deps/cli11 and .deps/json ready ($(du -sh .deps | cut -f1))"
