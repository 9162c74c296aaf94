#!/usr/bin/env bash
# Prepares .deps/ (git-ignored) with every build dependency the offline GPU machine may lack, to
# send along with a device call as `carry: [".deps"]`. Run it here, on a Debian machine that
# reaches the package registry (it downloads .deb files with apt-get download, needs no root and
# installs nothing). Safe to run again; prints the folder to carry and its size at the end.
#
#   .deps/prefix/      HDF5 1.10 (serial), zlib and libpng: headers and STATIC libraries only.
#                      Static on purpose: Debian's libhdf5.so needs libcurl and libcrypto (the S3
#                      driver), which a bare image may lack; the static archive pulls in only what
#                      semisam calls, so the binaries need nothing of these at run time (checked
#                      with readelf -d). libhdf5's szip filter comes from libaec (libsz.a, libaec.a).
#   .deps/googletest/  GoogleTest sources (Debian's googletest package, /usr/src/googletest).
#   .deps/cli11/       CLI11 headers (libcli11-dev), header-only.
#   .deps/json/        nlohmann-json headers (nlohmann-json3-dev), header-only.
#
# CMake takes each of these only when the system's own package is missing (cmake/SemisamDeps.cmake,
# cmake/SemisamGTest.cmake, src/ and tools/CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
deps=$PWD/.deps
mkdir -p "$deps"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# unpack PACKAGE: downloads the package's .deb for this machine's architecture into a scratch
# folder and unpacks it there (no root, nothing installed); prints the unpacked root.
unpack() {
  local pkg=$1
  (cd "$work" && apt-get download "$pkg" >/dev/null 2>"$work/$pkg.err") ||
    { echo "fetch-deps: apt-get download $pkg failed:" >&2; cat "$work/$pkg.err" >&2; exit 1; }
  dpkg -x "$work"/"${pkg}"_*.deb "$work/root-$pkg"
  echo "$work/root-$pkg"
}

arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)

if [ ! -f "$deps/prefix/lib/libhdf5.a" ] || [ ! -f "$deps/prefix/lib/libpng16.a" ]; then
  rm -rf "$deps/prefix"
  mkdir -p "$deps/prefix/include" "$deps/prefix/lib"
  r=$(unpack libhdf5-dev)
  # The serial flavour only; its headers flattened into include/ so <hdf5.h> resolves directly.
  cp -a "$r/usr/include/hdf5/serial/." "$deps/prefix/include/"
  cp "$r/usr/lib/$arch/libhdf5_serial.a" "$deps/prefix/lib/libhdf5.a"
  cp "$r/usr/lib/$arch/hdf5/serial/libhdf5.settings" "$deps/prefix/lib/" 2>/dev/null || true
  r=$(unpack libaec-dev)
  cp "$r/usr/lib/$arch/libsz.a" "$r/usr/lib/$arch/libaec.a" "$deps/prefix/lib/"
  r=$(unpack zlib1g-dev)
  cp "$r/usr/include/zlib.h" "$r/usr/include/zconf.h" "$deps/prefix/include/"
  cp "$r/usr/lib/$arch/libz.a" "$deps/prefix/lib/"
  r=$(unpack libpng-dev)
  # Real files, not Debian's symlinks into libpng16/.
  cp -L "$r/usr/include/libpng16/png.h" "$r/usr/include/libpng16/pngconf.h" \
        "$r/usr/include/libpng16/pnglibconf.h" "$deps/prefix/include/"
  cp -L "$r/usr/lib/$arch/libpng16.a" "$deps/prefix/lib/"
  # No shared objects in the prefix, so that CMake cannot pick a .so that is absent at run time.
  if find "$deps/prefix" -name '*.so*' | grep -q .; then
    echo "fetch-deps: unexpected shared objects in .deps/prefix" >&2; exit 1
  fi
fi
if [ ! -f "$deps/googletest/CMakeLists.txt" ]; then
  r=$(unpack googletest)
  rm -rf "$deps/googletest"
  cp -a "$r/usr/src/googletest" "$deps/googletest"
fi
if [ ! -f "$deps/cli11/usr/include/CLI/CLI.hpp" ]; then
  r=$(unpack libcli11-dev)
  rm -rf "$deps/cli11"
  mkdir -p "$deps/cli11/usr"
  cp -a "$r/usr/include" "$deps/cli11/usr/"
fi
if [ ! -f "$deps/json/usr/include/nlohmann/json.hpp" ]; then
  r=$(unpack nlohmann-json3-dev)
  rm -rf "$deps/json"
  mkdir -p "$deps/json/usr"
  cp -a "$r/usr/include" "$deps/json/usr/"
  # nlohmann's CMake package files too (find_package(nlohmann_json) works with them).
  [ -d "$r/usr/share/cmake" ] && mkdir -p "$deps/json/usr/share" && cp -a "$r/usr/share/cmake" "$deps/json/usr/share/"
fi
size_kib=$(du -sk "$deps" | cut -f1)
echo "fetch-deps: .deps ready: prefix (HDF5, zlib, libpng; static), googletest, cli11, json: $((size_kib / 1024)) MiB"
if [ "$size_kib" -gt $((48 * 1024)) ]; then
  echo "fetch-deps: warning: .deps is over 48 MiB; the device tool carries 64 MiB in all" >&2
fi
echo "fetch-deps: carry these git-ignored folders: [\".deps\"]"
