#!/usr/bin/env bash
# Regenerates the initial schema migration (0001) from the models. Used while the schema is
# young and nothing has been deployed; once a release ships, add new migrations instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f migrations/versions/0001_initial_schema.py
# Build 0001 against an empty database that has no later revisions applied.
mv migrations/versions migrations/versions.later && mkdir migrations/versions
trap 'rm -rf migrations/versions; mv migrations/versions.later migrations/versions; rm -rf "$tmp"' EXIT
YUNPIN_INSTANCE="$tmp" RQ_EMBEDDED_WORKER=0 .venv/bin/yunpin db revision --autogenerate -m "initial schema" --rev-id 0001 >/dev/null 2>&1
mv migrations/versions/0001_initial_schema.py migrations/versions.later/
echo "regenerated migrations/versions/0001_initial_schema.py"
