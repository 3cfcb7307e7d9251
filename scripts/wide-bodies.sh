#!/usr/bin/env bash
# Times the decision on wide hostile bodies close to the 7 MiB limit (Fuzz/WideBodies), in
# a release build without sanitizers. Prints one line per case; see docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build-fuzz/wide
mkdir -p "$out/modules"
# FSXJSON and FSXCore as the release build compiles them (whole module, optimized, one
# package name so FSXCore reaches FSXJSON's `package` declarations); the driver uses the
# public API only.
package=(-package-name fsx_webhook)
mapfile -t json_sources < <(find Sources/FSXJSON -name '*.swift' | sort)
[[ -e "$out/libFSXJSON.a" && -z "$(find Sources/FSXJSON -newer "$out/libFSXJSON.a" -print -quit)" ]] ||
    swiftc -O -wmo -parse-as-library "${package[@]}" -module-name FSXJSON -emit-module \
    -emit-module-path "$out/modules/FSXJSON.swiftmodule" -emit-library -static -o "$out/libFSXJSON.a" "${json_sources[@]}"
mapfile -t sources < <(find Sources/FSXCore -name '*.swift' | sort)
[[ -e "$out/libFSXCore.a" && -z "$(find Sources/FSXCore "$out/libFSXJSON.a" -newer "$out/libFSXCore.a" -print -quit)" ]] ||
    swiftc -O -wmo -parse-as-library "${package[@]}" -module-name FSXCore -I "$out/modules" -emit-module \
    -emit-module-path "$out/modules/FSXCore.swiftmodule" -emit-library -static -o "$out/libFSXCore.a" "${sources[@]}"
swiftc -O -module-name WideBodies -I "$out/modules" Fuzz/WideBodies/main.swift "$out/libFSXCore.a" "$out/libFSXJSON.a" \
    -o "$out/wide-bodies"
"$out/wide-bodies"
"$out/wide-bodies"
