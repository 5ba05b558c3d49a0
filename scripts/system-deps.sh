#!/usr/bin/env bash
# Install the Debian packages `make test` and `make bench` need, only those missing:
# PostgreSQL's server (the second database of the suite), Chromium (end-to-end tests),
# the CJK fonts (Chinese in screenshots and PDFs), Pango (WeasyPrint's PDF briefing) and
# gettext (compiling translations). Nothing is installed, nor apt-get update run, when
# everything is present. As root it calls apt-get; otherwise sudo; else it says what to do.
set -euo pipefail

missing=()
have_pg_server() {
  { command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; } \
    || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
have_pg_server || missing+=(postgresql)
{ command -v chromium >/dev/null 2>&1 || [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; } || missing+=(chromium)
{ command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; } || missing+=(fonts-noto-cjk)
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so" || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so" || missing+=(libpangoft2-1.0-0)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
echo "investrack: installing the system packages the tests need: ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "investrack: no apt-get on this machine: install ${missing[*]} (or their equivalents) and run make test again." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo)
else
  echo "investrack: not root and no sudo: as an administrator run  apt-get install ${missing[*]}  then make test again." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's package starts a cluster of its own; the suite starts a throwaway server itself.
if [[ " ${missing[*]} " == *" postgresql "* ]]; then
  "${SUDO[@]}" service postgresql stop >/dev/null 2>&1 || true
fi
