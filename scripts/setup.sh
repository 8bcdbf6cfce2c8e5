#!/usr/bin/env bash
# One-stop set-up used by `npm run demo`, `npm test` and `npm run bench`:
# installs npm dependencies (if missing), builds dist/, and installs Debian's Chromium, poppler-utils and
# LibreOffice Writer (headless, to test the Word forms) when missing and we are allowed to (root + apt-get).
# Idempotent and quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules/.bin ] || [ package.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] npm install" >&2
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund >&2; else npm install --no-audit --no-fund >&2; fi
fi
# --no-build: the caller builds (npm test: vitest's global set-up, test/support/global-setup.ts).
if [ "${1:-}" != "--no-build" ] && { [ ! -f dist/cli/main.js ] || [ -n "$(find src -newer dist/cli/main.js -name '*.ts' -print -quit 2>/dev/null)" ]; }; then
  echo "[setup] build" >&2
  npx tsc -p tsconfig.json >&2
fi

have_browser() {
  [ -n "${PUPPETEER_EXECUTABLE_PATH:-}" ] && [ -x "${PUPPETEER_EXECUTABLE_PATH}" ] && return 0
  for p in /usr/lib/chromium/chromium /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable; do
    [ -x "$p" ] && return 0
  done
  return 1
}
need_apt=()
have_browser || need_apt+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
# The Chinese fonts ship with djyc (templates/fonts/); only CJK Ext-B (𠀀 …) comes from Debian's HanaMinB.
[ -f /usr/share/fonts/truetype/hanazono/HanaMinB.ttf ] || [ -n "${DJYC_EXTB_FONT:-}" ] || need_apt+=(fonts-hanazono)
command -v git >/dev/null 2>&1 || need_apt+=(git)
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)   # test/new-project.test.ts drives prompts in a real terminal
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui)   # test/forms-docx.slow.test.ts reads the Word forms
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "[setup] apt-get install ${need_apt[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
  else
    echo "[setup] missing: ${need_apt[*]} — install them with your package manager (e.g. sudo apt-get install ${need_apt[*]})," >&2
    echo "        or point PUPPETEER_EXECUTABLE_PATH at a Chrome/Chromium binary." >&2
  fi
fi
