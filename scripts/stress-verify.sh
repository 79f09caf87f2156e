#!/usr/bin/env bash
# Stress test for native aborts at exit (issue 21): runs `quilt verify` many times, several at once, beside a CPU
# load, on fixtures the toolkit writes itself: an fp16 MLP (passes), the If network with --input/--input-value
# (passes) and the sample-rate branch model given the rate whose branch fails (an error path, exit 2). Any other
# exit status, a signal, or "terminate called" / "Napi::Error" on stderr counts as an abort.
# Not part of `npm test` (slow). Usage: scripts/stress-verify.sh [runs=60] [parallel=3]   (after `npm run build`)
set -u
runs=${1:-60}
parallel=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/quilt-stress-XXXXXX)
node -e "
const fs = require('fs');
const { writeModel } = require('$root/dist/toolkit/onnx/write');
const c = require('$root/dist/toolkit/onnx/class-fixtures');
const f = require('$root/dist/toolkit/onnx/if-network-fixture');
fs.writeFileSync('$work/fp16.onnx', writeModel(c.fp16Mlp()));
fs.writeFileSync('$work/branch.onnx', c.branchOnSampleRate());
fs.writeFileSync('$work/ifnet.onnx', f.ifNetworkModel());
" || exit 1

# The load: one busy Node process for the whole run (this script's own child, ended by its id).
node -e 'for (;;) { Math.sqrt(Math.random()); }' &
load_pid=$!
trap 'kill "$load_pid" 2>/dev/null; rm -rf "$work"' EXIT

one() {
  local i=$1 expect args
  case $((i % 3)) in
    0) expect=0; args=("$work/fp16.onnx" --granularity layer --json) ;;
    1) expect=0; args=("$work/ifnet.onnx" --granularity layer --input input=1x512 --input-value sr=16000 --json) ;;
    2) expect=2; args=("$work/branch.onnx" --granularity layer --input-value sr=8000 --json) ;;
  esac
  node "$root/dist/toolkit/cli/main.js" verify "${args[@]}" >"$work/out.$i" 2>"$work/err.$i"
  local code=$?
  if [ "$code" -ne "$expect" ] || grep -qE 'terminate called|Napi::Error' "$work/err.$i"; then
    echo "ABORT run $i: exit $code (expected $expect): $(tr '\n' ' ' <"$work/err.$i" | cut -c1-300)"
  else
    echo "ok run $i"
  fi
}
export -f one
export work root
start=$(date +%s)
seq 0 $((runs - 1)) | xargs -P "$parallel" -I{} bash -c 'one {}' >"$work/results"
aborts=$(grep -c '^ABORT' "$work/results")
oks=$(grep -c '^ok' "$work/results")
grep '^ABORT' "$work/results"
echo "stress-verify: $((oks + aborts)) runs ($parallel at once, beside one busy process) in $(( $(date +%s) - start )) s: $aborts aborts"
[ "$aborts" -eq 0 ]
