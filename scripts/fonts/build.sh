#!/usr/bin/env bash
# Rebuilds templates/fonts/ (the font slices djyc ships and fonts.json) from their sources. Maintainers only:
# the built files are committed, so neither `npm ci`, scripts/setup.sh nor an install of the package runs this.
#
# Sources: FandolFang from Debian's texlive-lang-chinese (fetched with `apt-get download`, not installed) or
# $FANDOL_FANG; Noto Serif SC / Noto Sans SC / LXGW WenKai from the npm packages pinned in scripts/fonts/package.json
# (and its lock), installed here into scripts/fonts/node_modules when missing: 245 MB that djyc's own `npm ci` (every
# test run, every CI job) need not unpack.
# Tools: Python 3 with fontTools and brotli (Debian: python3-fonttools python3-brotli).
# Takes about 10 minutes on 2 cores (FandolFang's outlines are converted glyph by glyph).
# Usage: bash scripts/fonts/build.sh [--only fang,kai,...]
set -euo pipefail
cd "$(dirname "$0")/../.."

can_apt() { [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; }

python=""
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import fontTools.subset, fontTools.pens.cu2quPen, brotli' 2>/dev/null; then python="$p"; break; fi
done
if [ -z "$python" ]; then
  if can_apt; then
    echo "[fonts] apt-get install python3-fonttools python3-brotli" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-fonttools python3-brotli >&2
    python=/usr/bin/python3
  else
    echo "[fonts] needs Python 3 with fontTools and brotli: sudo apt-get install python3-fonttools python3-brotli" >&2
    echo "        (or: pip install fonttools brotli)" >&2
    exit 1
  fi
fi

tmp=""
cleanup() { [ -n "$tmp" ] && rm -rf "$tmp"; }
trap cleanup EXIT

fandol="${FANDOL_FANG:-}"
installed=/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf
if [ -z "$fandol" ] && [ -f "$installed" ]; then fandol="$installed"; fi
if [ -z "$fandol" ]; then
  if command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1; then
    tmp="$(mktemp -d)"
    echo "[fonts] apt-get download texlive-lang-chinese (for FandolFang only)" >&2
    (cd "$tmp" && apt-get download texlive-lang-chinese >&2 2>/dev/null) || {
      can_apt && apt-get update -qq >&2 && (cd "$tmp" && apt-get download texlive-lang-chinese >&2)
    }
    dpkg-deb --fsys-tarfile "$tmp"/texlive-lang-chinese_*.deb | tar -x -C "$tmp" ".${installed}"
    fandol="$tmp${installed}"
  else
    echo "[fonts] FandolFang-Regular.otf not found: get fandol from CTAN (fonts/fandol) and set FANDOL_FANG=/path/to/FandolFang-Regular.otf" >&2
    exit 1
  fi
fi

sources=scripts/fonts/node_modules
for pkg in @fontsource/noto-serif-sc @fontsource/noto-sans-sc @chinese-fonts/lxgwwenkai; do
  if [ ! -d "$sources/$pkg" ]; then
    echo "[fonts] npm ci in scripts/fonts (the font packages, pinned)" >&2
    (cd scripts/fonts && npm ci --no-audit --no-fund >&2)
    break
  fi
done

"$python" scripts/fonts/build.py \
  --fandol "$fandol" \
  --fontsource-serif "$sources/@fontsource/noto-serif-sc" \
  --fontsource-sans "$sources/@fontsource/noto-sans-sc" \
  --wenkai "$sources/@chinese-fonts/lxgwwenkai/dist/LXGWWenKai-Regular" \
  "$@"
