#!/usr/bin/env bash
# System packages the test suite needs: Debian's Chromium (driven by Playwright — no
# `playwright install`, which downloads a browser these machines cannot fetch), CJK fonts so pages
# render Chinese, and GNU gettext for the translation-completeness test. Installed where missing.
set -eu
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
command -v xgettext >/dev/null || missing+=(gettext)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]} — install them with: sudo apt-get install ${missing[*]}"; exit 1
fi
