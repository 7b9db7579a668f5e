#!/usr/bin/env bash
# Runs the benchmark harness from the workspace root (TypeScript through ts-node, no build
# step of its own). Raises this process's open-files limit to the hard limit for the 2,000+
# sockets of W5; nothing system-wide is changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
export TS_NODE_PROJECT=apps/bench/tsconfig.app.json TS_NODE_TRANSPILE_ONLY=true
exec node -r ts-node/register -r tsconfig-paths/register apps/bench/src/main.ts "$@"
