#!/usr/bin/env bash
# One-stop set-up used by `npm run demo`, `npm test` and `npm run bench`:
# installs npm dependencies (if missing), builds dist/, and installs Debian's Chromium and poppler-utils
# when no browser is found and we are allowed to (root + apt-get). Idempotent and quiet when all is there.
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
  # djyc's own search (src/pdf/discovery.ts: DJYC_BROWSER, install places of Chrome/Chromium/Edge, PATH) once built.
  if [ -f dist/pdf/discovery.js ]; then
    node -e "import('./dist/pdf/discovery.js').then((m) => process.exit(m.discoverBrowser().ok ? 0 : 1))" && return 0
    return 1
  fi
  for p in "${DJYC_BROWSER:-}" "${PUPPETEER_EXECUTABLE_PATH:-}" /usr/lib/chromium/chromium /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable /usr/bin/microsoft-edge; do
    [ -n "$p" ] && [ -x "$p" ] && return 0
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
# The tests run the tools a records repository uses beside djyc: the pre-commit framework and yamllint.
command -v pre-commit >/dev/null 2>&1 || need_apt+=(pre-commit)
command -v yamllint >/dev/null 2>&1 || need_apt+=(yamllint)
{ [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; } || need_apt+=(python3-openpyxl)   # a second xlsx reader
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo_=()
  [ "$(id -u)" = "0" ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && sudo_=(sudo); }
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = "0" ] || [ ${#sudo_[@]} -gt 0 ]; }; then
    echo "[setup] ${sudo_[*]:+sudo }apt-get install ${need_apt[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_[@]}" apt-get update -qq >&2
    "${sudo_[@]}" apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
  else
    echo "[setup] missing: ${need_apt[*]} — install them with your package manager" >&2
    echo "        (Debian/UOS/Kylin: sudo apt-get install ${need_apt[*]}; Fedora: sudo dnf install …; macOS: brew install …)," >&2
    echo "        and for the browser, any installed Chrome, Chromium or Edge will do (or set DJYC_BROWSER); djyc doctor checks." >&2
  fi
fi
