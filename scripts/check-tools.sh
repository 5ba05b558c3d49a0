#!/usr/bin/env bash
# Before installing: say in one sentence what is missing, instead of a stack trace later.
PYTHON="${1:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "investrack needs Python 3.11 or newer: install python3 (Debian: apt-get install python3 python3-venv)." >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "investrack needs Python 3.11 or newer; $PYTHON is $("$PYTHON" -V 2>&1): install a newer one or run make PYTHON=python3.11 …" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "investrack needs Python's venv module: install it (Debian: apt-get install python3-venv)." >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "investrack needs Node.js 20 or newer with npm to install its front-end files (htmx, ECharts): install nodejs and npm." >&2
  exit 1
fi
if ! node -e 'process.exit(parseInt(process.versions.node) < 20 ? 1 : 0)'; then
  echo "investrack needs Node.js 20 or newer; this is $(node -v): install a newer Node.js." >&2
  exit 1
fi
