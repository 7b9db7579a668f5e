#!/usr/bin/env bash
# Summarises a CPU profile written by the benchmark: apps/bench/profile.sh <file.cpuprofile> [top]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export TS_NODE_PROJECT=apps/bench/tsconfig.app.json TS_NODE_TRANSPILE_ONLY=true
exec node -r ts-node/register apps/bench/src/profile.ts "$@"
