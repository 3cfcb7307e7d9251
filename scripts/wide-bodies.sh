#!/usr/bin/env bash
# Times the decision on wide hostile bodies close to the 7 MiB limit (Fuzz/WideBodies), in
# a release build without sanitizers. Prints one line per case; see docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build-fuzz/wide
mkdir -p "$out/modules"
mapfile -t sources < <(find Sources/FSXCore -name '*.swift' | sort)
# FSXCore as the release build compiles it (whole module, optimized); the driver uses its
# public API only.
[[ -e "$out/libFSXCore.a" && -z "$(find Sources/FSXCore -newer "$out/libFSXCore.a" -print -quit)" ]] ||
    swiftc -O -wmo -parse-as-library -module-name FSXCore -emit-module -emit-module-path "$out/modules/FSXCore.swiftmodule" \
    -emit-library -static -o "$out/libFSXCore.a" "${sources[@]}"
swiftc -O -module-name WideBodies -I "$out/modules" Fuzz/WideBodies/main.swift "$out/libFSXCore.a" \
    -o "$out/wide-bodies"
"$out/wide-bodies"
