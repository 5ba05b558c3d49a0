#!/usr/bin/env bash
# Run pytest; an empty selection (exit code 5) is a failure, never a silent pass.
set -uo pipefail
cd "$(dirname "$0")/.."
echo "== pytest on ${DATABASE_URL:-SQLite}"
.venv/bin/pytest "$@"
code=$?
if [ "$code" -eq 5 ]; then
  echo "pytest collected no tests: failing." >&2
  exit 1
fi
exit "$code"
