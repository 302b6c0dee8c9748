#!/usr/bin/env bash
# `make conformance`: serve the API on a throwaway SQLite database on a loopback port, run the
# graphql-http audits against it (anonymously and with a VIEWER token), stop the server.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-../.venv/bin/python}
PORT=${CONFORMANCE_PORT:-8765}
work=$(mktemp -d)
export DATABASE_URL="sqlite+aiosqlite:///$work/conformance.db"
cleanup() { [[ -n "${server:-}" ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

[[ -d node_modules/graphql-http ]] || npm ci --no-audit --no-fund --silent
(cd .. && "$PYTHON" -m app migrate >/dev/null 2>&1 && "$PYTHON" -m app seed-demo >/dev/null)
token=$(cd .. && "$PYTHON" -m app create-token --partner-id 1 --role VIEWER --label conformance \
  | tail -1)
(cd .. && exec "$PYTHON" -m app serve --host 127.0.0.1 --port "$PORT") >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done
node audit.mjs "http://127.0.0.1:$PORT/graphql" "$token"
