#!/usr/bin/env bash
# One-stop set-up used by `npm run demo`, `npm test` and `npm run bench`: installs npm dependencies (if missing),
# builds dist/, and installs what is missing of the system tools with the machine's own package manager (apt-get on
# Debian/Ubuntu/UOS/Kylin, dnf/yum, zypper, pacman, apk; Homebrew on macOS) when it may (root, or sudo without a
# password; Homebrew as the user). Otherwise it installs nothing and prints the exact commands to run.
# Options: --no-build (the caller builds), --dry-run (print what would be done, change nothing).
# Idempotent and quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1 dry=0
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --dry-run) dry=1 ;;
    *) echo "[setup] unknown option: $arg (options: --no-build, --dry-run)" >&2; exit 2 ;;
  esac
done
run() {
  if [ "$dry" = 1 ]; then echo "[setup] would run: $*" >&2; else "$@"; fi
}

if [ ! -d node_modules/.bin ] || [ package.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] npm install" >&2
  if [ -f package-lock.json ]; then run npm ci --no-audit --no-fund >&2; else run npm install --no-audit --no-fund >&2; fi
fi
# --no-build: the caller builds (npm test: vitest's global set-up, test/support/global-setup.ts).
if [ "$build" = 1 ] && { [ ! -f dist/cli/main.js ] || [ ! -f dist/store/schema-validators.generated.cjs ] || [ -n "$(find src schemas -newer dist/cli/main.js \( -name '*.ts' -o -name '*.json' \) -print -quit 2>/dev/null)" ]; }; then
  echo "[setup] build" >&2
  run npx tsc -p tsconfig.json >&2
  run node scripts/gen-validators.mjs >&2
fi

# The browser: djyc's own search (src/pdf/discovery.ts: DJYC_BROWSER, PUPPETEER_EXECUTABLE_PATH, the install places
# of Chrome/Chromium/Edge and the UOS/Kylin browsers on each platform, then the PATH) once built.
browser_named=""
for v in DJYC_BROWSER PUPPETEER_EXECUTABLE_PATH; do
  if [ -n "${!v:-}" ]; then browser_named="$v=${!v}"; break; fi
done
have_browser() {
  if [ -f dist/pdf/discovery.js ]; then
    node -e "import('./dist/pdf/discovery.js').then((m) => process.exit(m.discoverBrowser().ok ? 0 : 1))" && return 0
    return 1
  fi
  for p in "${DJYC_BROWSER:-}" "${PUPPETEER_EXECUTABLE_PATH:-}" /usr/lib/chromium/chromium /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable /usr/bin/microsoft-edge; do
    [ -n "$p" ] && [ -x "$p" ] && return 0
  done
  return 1
}

# What is missing, by what it is for: `use` is needed to run djyc, `test` only by the test suite.
# Each entry is a tool name of the table below.
missing_use=() missing_test=()
if ! have_browser; then
  if [ -n "$browser_named" ]; then
    # The user's choice: installing another browser would not change which one djyc uses.
    echo "[setup] $browser_named names no browser: correct it or unset it (djyc doctor checks)" >&2
  else
    missing_use+=(browser)
  fi
fi
command -v git >/dev/null 2>&1 || missing_use+=(git)
command -v pdftotext >/dev/null 2>&1 || missing_test+=(pdftotext)
# The Chinese fonts ship with djyc (templates/fonts/); only CJK Ext-B (𠀀 …) comes from HanaMinB.
[ -f /usr/share/fonts/truetype/hanazono/HanaMinB.ttf ] || [ -n "${DJYC_EXTB_FONT:-}" ] || missing_test+=(hanazono)
command -v tmux >/dev/null 2>&1 || missing_test+=(tmux)   # test/new-project.cli.test.ts drives prompts in a real terminal
# The tests run the tools a records repository uses beside djyc: the pre-commit framework and yamllint.
command -v pre-commit >/dev/null 2>&1 || missing_test+=(pre-commit)
command -v yamllint >/dev/null 2>&1 || missing_test+=(yamllint)
command -v script >/dev/null 2>&1 || missing_test+=(script)   # test/status.cli.test.ts: a pseudo-terminal
command -v soffice >/dev/null 2>&1 || missing_test+=(soffice)   # test/forms-docx.slow.test.ts reads the Word forms with LibreOffice
# A second xlsx reader; the system's python3 first (test/xlsx.test.ts tries it before the PATH's).
{ /usr/bin/python3 -c 'import openpyxl' 2>/dev/null || python3 -c 'import openpyxl' 2>/dev/null; } || missing_test+=(openpyxl)

[ $((${#missing_use[@]} + ${#missing_test[@]})) -eq 0 ] && exit 0

# The package manager of this machine, and whether set-up may use it.
os=$(uname -s 2>/dev/null || echo unknown)
pm=""
case "$os" in
  Darwin) command -v brew >/dev/null 2>&1 && pm=brew ;;
  MINGW* | MSYS* | CYGWIN*) pm=windows ;;
  *) for c in apt-get dnf yum zypper pacman apk; do
       if command -v "$c" >/dev/null 2>&1; then pm=$c; break; fi
     done ;;
esac
[ -z "$pm" ] && [ "$os" = Darwin ] && pm=brew-missing

# The package that gives a tool, per package manager ("" = none there: see the note printed instead).
package_of() {
  local tool=$1
  case "$pm:$tool" in
    apt-get:browser) echo chromium ;;       apt-get:pdftotext) echo poppler-utils ;;
    apt-get:hanazono) echo fonts-hanazono ;; apt-get:openpyxl) echo python3-openpyxl ;;
    apt-get:script) echo bsdutils ;; dnf:script | yum:script | zypper:script | pacman:script | apk:script) echo util-linux ;;
    brew:script | windows:script) echo "" ;;
    apt-get:soffice) echo libreoffice-writer-nogui ;; dnf:soffice | yum:soffice | zypper:soffice) echo libreoffice-writer ;;
    pacman:soffice) echo libreoffice-fresh ;; apk:soffice) echo libreoffice-writer ;;
    brew:soffice | windows:soffice) echo "" ;;
    dnf:browser | yum:browser | zypper:browser | pacman:browser | apk:browser) echo chromium ;;
    dnf:pdftotext | yum:pdftotext | apk:pdftotext) echo poppler-utils ;;
    zypper:pdftotext) echo poppler-tools ;; pacman:pdftotext | brew:pdftotext) echo poppler ;;
    dnf:openpyxl | yum:openpyxl | zypper:openpyxl) echo python3-openpyxl ;;
    pacman:openpyxl) echo python-openpyxl ;; apk:openpyxl) echo py3-openpyxl ;;
    pacman:pre-commit) echo python-pre-commit ;; zypper:yamllint) echo python3-yamllint ;;
    apk:pre-commit) echo "" ;;
    *:hanazono | brew:browser | brew:openpyxl | windows:*) echo "" ;;
    *) echo "$tool" ;;   # git, tmux, pre-commit, yamllint: the same name everywhere else
  esac
}
install_cmd() {
  case "$pm" in
    apt-get) echo "apt-get install -y --no-install-recommends" ;;
    dnf | yum) echo "$pm install -y" ;;
    zypper) echo "zypper --non-interactive install" ;;
    pacman) echo "pacman -S --needed --noconfirm" ;;
    apk) echo "apk add" ;;
    brew) echo "brew install" ;;
  esac
}
# What no package provides here, and what to do instead.
note_of() {
  case "$1" in
    browser) case "$pm" in
        windows) echo "a browser: Windows 10/11 come with Microsoft Edge, which djyc finds; or install Google Chrome" ;;
        brew | brew-missing) echo "a browser: install Google Chrome or Microsoft Edge into /Applications, or: brew install --cask chromium" ;;
        *) echo "a browser: install Google Chrome, Chromium or Microsoft Edge, or set DJYC_BROWSER to one (djyc doctor checks)" ;;
      esac ;;
    hanazono) echo "CJK Ext-B font (rare characters only): download HanaMinB.ttf (Hanazono Mincho) and set DJYC_EXTB_FONT to it" ;;
    openpyxl) echo "openpyxl (tests only): python3 -m pip install --user openpyxl" ;;
    pre-commit | yamllint) echo "$1 (tests only): pipx install $1 (or python3 -m pip install --user $1)" ;;
    pdftotext) echo "pdftotext (tests only): install poppler (Windows: use WSL with Debian: sudo apt-get install poppler-utils)" ;;
    tmux) echo "tmux (tests only): not on Windows; run the tests in WSL" ;;
    script) echo "script (tests only): part of util-linux / BSD base; on Windows run the tests in WSL" ;;
    soffice) echo "LibreOffice (tests only): https://www.libreoffice.org/download/ (macOS: brew install --cask libreoffice)" ;;
    git) echo "git: https://git-scm.com/downloads (Windows: winget install --id Git.Git)" ;;
  esac
}

packages=() notes=()
for tool in ${missing_use[@]+"${missing_use[@]}"} ${missing_test[@]+"${missing_test[@]}"}; do
  pkg=""
  case "$pm" in "" | windows | brew-missing) ;; *) pkg=$(package_of "$tool") ;; esac
  if [ -n "$pkg" ]; then packages+=($pkg); else notes+=("$(note_of "$tool")"); fi
done

echo "[setup] missing: ${missing_use[*]+${missing_use[*]} }${missing_test[*]+(for the tests: ${missing_test[*]})}" >&2
if [ ${#packages[@]} -gt 0 ]; then
  # Root, or sudo that needs no password: set-up installs. Homebrew refuses root and runs as the user.
  as=()
  may=0
  if [ "$pm" = brew ]; then
    may=1
  elif [ "$(id -u)" = 0 ]; then
    may=1
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    may=1 as=(sudo)
  fi
  read -r -a cmd <<<"$(install_cmd)"
  if [ "$may" = 1 ]; then
    echo "[setup] ${as[*]+${as[*]} }${cmd[*]} ${packages[*]}" >&2
    if [ "$pm" = apt-get ]; then
      export DEBIAN_FRONTEND=noninteractive
      run ${as[@]+"${as[@]}"} apt-get update -qq >&2
    fi
    run ${as[@]+"${as[@]}"} "${cmd[@]}" "${packages[@]}" >&2
  else
    echo "[setup] not root and no password-less sudo: nothing installed. Run:" >&2
    echo "          sudo ${cmd[*]} ${packages[*]}" >&2
  fi
fi
if [ ${#notes[@]} -gt 0 ]; then
  [ "$pm" = brew-missing ] && echo "[setup] no Homebrew (https://brew.sh): with it, brew install poppler tmux pre-commit yamllint; brew install --cask chromium" >&2
  [ -z "$pm" ] && echo "[setup] no known package manager found (apt-get, dnf, yum, zypper, pacman, apk, brew): install these yourself:" >&2
  for n in "${notes[@]}"; do echo "        - $n" >&2; done
fi
exit 0
