#!/usr/bin/env bash
# The GPU kit's entry point (copied into .gpu-kit/ by scripts/gpu/pack.sh; see scripts/gpu/README.md).
#   .gpu-kit/run.sh --to DIR [--budget-s N] [--stages LIST] [--probe] [--quilt COMMAND] [options for COMMAND]
# Without --quilt and options the command is `reproduce --quick --backend webgpu --json`; with options only, it is
# `reproduce` with them. `--out-dir` is chosen here (the command's files go into results.tar.xz).
#
# Stages, in this order, each with its own share of the budget N (default 480 s) and its own cap, each in its own
# process group stopped at its cap (what it finished stays: CSVs and JSON are written as each part ends):
#   probe      Vulkan set-ups tried in order, each in a fresh process capped at 30 s (a broken driver can hang),
#              with the loader's variables set before Node starts; the first under which a one-operator model runs
#              on onnxruntime's WebGPU provider is kept for the later stages:
#                a  as root: the seven carried Debian packages unpacked with dpkg -x into / and ldconfig, with
#                   VK_DRIVER_FILES and __EGL_VENDOR_LIBRARY_FILENAMES at NVIDIA's files;
#                b  the same libraries from the kit's folder through LD_LIBRARY_PATH (no root needed);
#                c  each NVIDIA ICD file found, and a copy of it naming libEGL_nvidia.so.0 as its library;
#                d  whatever the environment already says (a software driver, say).
#              Each failed try's loader output (VK_LOADER_DEBUG=error,warn,driver) goes to run.log, one block per
#              try; DIR/setup.json says what was tried and what was chosen. Share 15% of N, at most 90 s.
#   calibrate  `quilt sim calibrate --backend webgpu` on the quick workload's models: DIR/device-profile.json.
#              Share 22% of N, at most 120 s. Skipped when no set-up ran WebGPU.
#   reference  scripts/gpu/torch-reference.py with the machine's python3 (PyTorch with CUDA): DIR/torch-reference.json,
#              rewritten after each section. Share 22% of N, at most 120 s. Skipped where it refuses (no CUDA).
#   <command>  `quilt COMMAND`, until N less 20 s for packing is spent: DIR/results.tar.xz (its files, its stdout as
#              quilt.json or quilt.txt). Skipped when it asks for webgpu and no set-up ran WebGPU.
# DIR/stages.json: {"budgetS":N,"stages":[{"name","status":"done|partial|failed|skipped","seconds","files"}]}.
# At most 8 files come back, each under 16 MiB (the device tool's limits): stages.json, setup.json, machine.txt,
# run.log, gpu-memory.csv (nvidia-smi samples every 200 ms, with a GPU), device-profile.json, torch-reference.json,
# results.tar.xz; anything else is folded into results.tar.xz; a results.tar.xz over the limit drops the figures'
# HTML, then its largest files (listed in results/LEFT-OUT.txt), and a text log over it keeps its head and tail. Stdout ends with a short account.
# Exit status: 0 when every stage that ran is done; 1 otherwise; 2 for bad arguments.
# Test hooks: QUILT_KIT_ICD_DIRS, QUILT_KIT_EGL_DIRS (where NVIDIA's ICD and EGL vendor files are looked for),
# QUILT_KIT_ROOT (the folder set-up a unpacks into instead of /), QUILT_KIT_MAX_FILE_BYTES, QUILT_KIT_KEEP=1.
set -uo pipefail

kit=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage='usage: run.sh --to DIR [--budget-s N] [--stages probe,calibrate,reference,command] [--probe] [--quilt COMMAND] [options for quilt COMMAND]'
t_start=$(date +%s.%N)
to=''
budget=480
stages='probe,calibrate,reference,command'
command=''
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --to) [ $# -ge 2 ] || { echo "run.sh: --to needs a folder; $usage" >&2; exit 2; }; to=$2; shift 2 ;;
    --to=*) to=${1#--to=}; shift ;;
    --budget-s) [ $# -ge 2 ] || { echo "run.sh: --budget-s needs a number of seconds; $usage" >&2; exit 2; }; budget=$2; shift 2 ;;
    --budget-s=*) budget=${1#--budget-s=}; shift ;;
    --stages) [ $# -ge 2 ] || { echo "run.sh: --stages needs a list; $usage" >&2; exit 2; }; stages=$2; shift 2 ;;
    --stages=*) stages=${1#--stages=}; shift ;;
    --probe) stages=probe; shift ;;
    --quilt) [ $# -ge 2 ] || { echo "run.sh: --quilt needs a command name; $usage" >&2; exit 2; }; command=$2; shift 2 ;;
    --out-dir|--out-dir=*) echo "run.sh: --out-dir is chosen by the kit (results go under --to DIR); $usage" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[ -n "$to" ] || { echo "run.sh: name the folder for results with --to DIR (for example --to \"\$OUT\"); $usage" >&2; exit 2; }
[[ "$budget" =~ ^[0-9]+$ ]] && [ "$budget" -ge 1 ] || { echo "run.sh: --budget-s must be a whole number of seconds >= 1 (got '$budget'); $usage" >&2; exit 2; }
for s in ${stages//,/ }; do
  case "$s" in probe|calibrate|reference|command) ;; *) echo "run.sh: --stages: '$s' is not a stage (probe, calibrate, reference, command); $usage" >&2; exit 2 ;; esac
done
if [ -z "$command" ]; then
  command=reproduce
  [ ${#args[@]} -eq 0 ] && args=(--quick --backend webgpu --json)
fi
mkdir -p "$to" || { echo "run.sh: cannot create the results folder '$to'" >&2; exit 2; }
to=$(cd "$to" && pwd)
json=0
for a in "${args[@]}"; do [ "$a" = --json ] && json=1; done
wants() { [[ ",$stages," == *",$1,"* ]]; }

work=$(mktemp -d "${TMPDIR:-/tmp}/quilt-gpu-kit.XXXXXX") || exit 1
sampler=''
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null
  [ "${QUILT_KIT_KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

log="$to/run.log"
: >"$log"
note() { echo "run.sh: $*" | tee -a "$log" >&2; }
fail() { note "$*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$t_start" -v b="$(now)" 'BEGIN { printf "%d", b - a }'; }
left() { echo $((budget - $(elapsed))); }
min() { if [ "$1" -lt "$2" ]; then echo "$1"; else echo "$2"; fi; }

unxz_to_stdout() {
  if command -v xz >/dev/null; then xz -dc "$1"
  elif command -v python3 >/dev/null; then python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1"
  else fail "neither xz nor python3 is here to unpack $1"; fi
}

# 1. Unpack, checking what travelled against the manifest.
if command -v sha256sum >/dev/null && [ -f "$kit/MANIFEST.txt" ]; then
  (cd "$kit" && sed -n '/^sha256:$/,$p' MANIFEST.txt | tail -n +2 | sha256sum -c --quiet -) >>"$log" 2>&1 \
    || fail "the kit's files do not match MANIFEST.txt (a part is missing or damaged): pack it again"
fi
mkdir -p "$work/bin" "$work/results" "$work/xdg" "$work/cache" "$work/probe"
unxz_to_stdout "$kit/node.xz" >"$work/bin/node" && chmod 755 "$work/bin/node" || fail "could not unpack node.xz"
for part in app deps ort sys; do
  dest="$work/app"; [ "$part" = sys ] && dest="$work/sys"
  mkdir -p "$dest"
  unxz_to_stdout "$kit/$part.tar.xz" | tar -x -C "$dest" || fail "could not unpack $part.tar.xz"
done
node="$work/bin/node"
export PATH="$work/bin:$PATH"
export XDG_RUNTIME_DIR="$work/xdg"
export QUILT_CACHE_DIR="${QUILT_CACHE_DIR:-$work/cache}"
"$node" --version >/dev/null || fail "the carried node does not start here"
quilt_js="$work/app/$("$node" -p "require('$work/app/package.json').bin.quilt")"
probe_js="$work/app/dist/scripts/gpu/webgpu-probe.js"

ldconfig_bin=$(command -v ldconfig || ls /sbin/ldconfig /usr/sbin/ldconfig 2>/dev/null | head -1)
has_lib() { [ -n "$ldconfig_bin" ] && "$ldconfig_bin" -p 2>/dev/null | grep -qE "^[[:space:]]*$1 "; }
gpu=0
if command -v nvidia-smi >/dev/null && nvidia-smi -L >"$work/gpus.txt" 2>&1; then gpu=1; fi
gpu_name=''
[ "$gpu" = 1 ] && gpu_name=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)

# Stage bookkeeping: one TSV line per stage (name, status, seconds, files), made into stages.json at the end.
stage_tsv="$work/stages.tsv"
: >"$stage_tsv"
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$stage_tsv"; }
write_stages_json() {
  "$node" -e '
    const fs = require("fs");
    const [tsv, budget, out] = process.argv.slice(1);
    const stages = fs.readFileSync(tsv, "utf8").split("\n").filter(Boolean).map((line) => {
      const [name, status, seconds, files] = line.split("\t");
      return { name, status, seconds: Number(seconds), files: files ? files.split(" ") : [] };
    });
    fs.writeFileSync(out + ".tmp", JSON.stringify({ budgetS: Number(budget), stages }, null, 1) + "\n");
    fs.renameSync(out + ".tmp", out);
  ' "$stage_tsv" "$budget" "$to/stages.json"
}

# 2. The Vulkan set-up probe.
icd_dirs=${QUILT_KIT_ICD_DIRS:-/usr/local/nvidia/share/vulkan/icd.d:/usr/share/vulkan/icd.d:/etc/vulkan/icd.d}
egl_dirs=${QUILT_KIT_EGL_DIRS:-/usr/local/nvidia/share/glvnd/egl_vendor.d:/usr/share/glvnd/egl_vendor.d}
nvidia_lib_dirs=''
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [ -d "$d" ] && nvidia_lib_dirs="${nvidia_lib_dirs:+$nvidia_lib_dirs:}$d"; done
icds=()   # NVIDIA ICD files, distinct contents only
IFS=: read -r -a dirs <<<"$icd_dirs"
for d in "${dirs[@]}"; do
  for f in "$d"/*.json; do
    [ -f "$f" ] && grep -qi nvidia "$f" || continue
    dup=0; for g in "${icds[@]}"; do cmp -s "$f" "$g" && dup=1; done
    [ "$dup" = 0 ] && icds+=("$f")
  done
done
egl_vendor=''
IFS=: read -r -a dirs <<<"$egl_dirs"
for d in "${dirs[@]}"; do for f in "$d"/*nvidia*.json; do [ -f "$f" ] && [ -z "$egl_vendor" ] && egl_vendor=$f; done; done
probe_tsv="$work/probe.tsv"
: >"$probe_tsv"
chosen=''
chosen_env=()
adapter=''
try_cap=30

# try NAME VAR=VALUE...: runs the probe under that environment (added to this one); the first success is chosen.
try_setup() {
  local name=$1; shift
  local cap; cap=$(min "$try_cap" "$(( probe_end - $(elapsed) ))")
  if [ "$cap" -lt 2 ]; then printf '%s\tfalse\t0\t%s\n' "$name" "not tried: the probe's share of the budget was spent" >>"$probe_tsv"; return 1; fi
  local t0 out="$work/probe/out" dbg="$work/probe/loader" rc
  t0=$(now)
  env "$@" VK_LOADER_DEBUG=error,warn,driver timeout -k 3 "$cap" "$node" "$probe_js" >"$out" 2>"$dbg"
  rc=$?
  local secs; secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
  if [ "$rc" = 0 ] && [ "$(tail -n 1 "$out")" = ok ]; then
    adapter=$(grep -o 'Using "[^"]*" with driver: "[^"]*"' "$dbg" | tail -n 1 | sed -E 's/^Using "(.*)" with driver: "(.*)"$/\1 (driver \2)/')
    [ -n "$adapter" ] || adapter='a WebGPU adapter (the Vulkan loader did not name it)'
    printf '%s\ttrue\t%s\t\n' "$name" "$secs" >>"$probe_tsv"
    echo "== probe: set-up $name ran WebGPU in ${secs} s on $adapter; environment: $*" >>"$log"
    chosen=$name; chosen_env=("$@")
    return 0
  fi
  local why
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then why="timed out after $cap s"
  else
    # onnxruntime's line starts with its source file and function: keep what it says after them.
    why=$(tail -n 1 "$out" | tr -d '\r' | sed -E 's#^/[^ ]+:[0-9]+ ##; s#^.*<lambda\(\)> ##')
    [ -n "$why" ] && why="onnxruntime: $why" || why="exited with status $rc"
  fi
  # The loader's first and last errors (the cause, then the outcome) and Dawn's last word, for the one line.
  local errs first last dawn
  errs=$(grep -E '^ERROR' "$dbg" | sed -E 's/^ERROR[A-Z| ]*:[[:space:]]*//')
  first=$(echo "$errs" | head -n 1); last=$(echo "$errs" | tail -n 1)
  dawn=$(grep -E '^Warning: .*(failed|No supported)' "$dbg" | tail -n 1 | sed -E 's/^Warning: //')
  [ -n "$first" ] && why="$why; loader: $first"
  [ -n "$last" ] && [ "$last" != "$first" ] && why="$why ... $last"
  [ -n "$dawn" ] && why="$why; dawn: $dawn"
  why=$(echo "$why" | tr '\t\n' '  ' | cut -c1-500)
  printf '%s\tfalse\t%s\t%s\n' "$name" "$secs" "$why" >>"$probe_tsv"
  { echo "== probe: set-up $name failed in ${secs} s: $why"; echo "   environment: $*"; echo "   loader output (VK_LOADER_DEBUG=error,warn,driver):"; sed 's/^/   | /' "$dbg"; } >>"$log"
  return 1
}
not_tried() { printf '%s\tfalse\t0\t%s\n' "$1" "not tried: $2" >>"$probe_tsv"; }

run_probe() {
  local base_ld="${LD_LIBRARY_PATH:-}" kit_ld="$work/sys/lib/vulkan:$work/sys/lib/gl"
  local nv_env=()
  [ -n "$egl_vendor" ] && nv_env+=("__EGL_VENDOR_LIBRARY_FILENAMES=$egl_vendor")
  local with_nv="${nvidia_lib_dirs}${base_ld:+${nvidia_lib_dirs:+:}$base_ld}"
  if [ ${#icds[@]} -eq 0 ]; then
    local why="no NVIDIA ICD file in $icd_dirs"
    not_tried a:root-debs "$why"; not_tried b:kit-libs "$why"; not_tried c:icd "$why"
  else
    local icd=${icds[0]}
    # a. The operators' recipe, as root: the seven packages into / (or QUILT_KIT_ROOT), then ldconfig.
    local root=${QUILT_KIT_ROOT:-/}
    if [ "$(id -u)" != 0 ]; then not_tried a:root-debs "not root: cannot unpack into /"
    elif [ "$gpu" != 1 ] && [ -z "${QUILT_KIT_ROOT:-}" ]; then not_tried a:root-debs "nvidia-smi does not answer: nothing is unpacked into / without a GPU"
    elif ! command -v dpkg >/dev/null; then not_tried a:root-debs "no dpkg here to unpack the packages"
    else
      local ok=1
      for deb in "$work"/sys/debs/*.deb; do dpkg -x "$deb" "$root" 2>>"$log" || ok=0; done
      if [ "$root" = / ] && [ -n "$ldconfig_bin" ]; then "$ldconfig_bin" 2>>"$log" || ok=0; fi
      local a_ld="$with_nv"
      [ "$root" != / ] && a_ld="$root/usr/lib/x86_64-linux-gnu${a_ld:+:$a_ld}"
      echo "== probe: set-up a unpacked $(ls "$work"/sys/debs | tr '\n' ' ')into $root$([ "$ok" = 1 ] || echo ' (with errors above)')" >>"$log"
      try_setup a:root-debs "VK_DRIVER_FILES=$icd" "VK_ICD_FILENAMES=$icd" "${nv_env[@]}" "LD_LIBRARY_PATH=$a_ld" && return 0
    fi
    # b. The same libraries from the kit's folder.
    try_setup b:kit-libs "VK_DRIVER_FILES=$icd" "VK_ICD_FILENAMES=$icd" "${nv_env[@]}" "LD_LIBRARY_PATH=$kit_ld${with_nv:+:$with_nv}" && return 0
    # c. Each NVIDIA ICD file, and a copy naming libEGL_nvidia.so.0 as its library.
    local c_ld="$with_nv" n=0
    has_lib libvulkan.so.1 || c_ld="$work/sys/lib/vulkan${c_ld:+:$c_ld}"
    has_lib libGLdispatch.so.0 || c_ld="${c_ld:+$c_ld:}$work/sys/lib/gl"
    for f in "${icds[@]}"; do
      try_setup "c:icd=$f" "VK_DRIVER_FILES=$f" "VK_ICD_FILENAMES=$f" "${nv_env[@]}" "LD_LIBRARY_PATH=$c_ld" && return 0
      n=$((n + 1))
      local egl_icd="$work/probe/icd-egl-$n.json"
      sed -E 's/("library_path"[[:space:]]*:[[:space:]]*")[^"]*"/\1libEGL_nvidia.so.0"/' "$f" >"$egl_icd"
      try_setup "c:icd-egl=$f" "VK_DRIVER_FILES=$egl_icd" "VK_ICD_FILENAMES=$egl_icd" "${nv_env[@]}" "LD_LIBRARY_PATH=$c_ld" && return 0
    done
  fi
  # d. Whatever the environment says (with the kit's loader only where the system has none).
  local d_ld="$base_ld"
  has_lib libvulkan.so.1 || d_ld="$work/sys/lib/vulkan${d_ld:+:$d_ld}"
  try_setup d:environment "LD_LIBRARY_PATH=$d_ld" && return 0
  return 1
}

write_setup_json() {
  "$node" -e '
    const fs = require("fs");
    const [tsv, chosen, adapter, out] = process.argv.slice(1);
    const tried = fs.readFileSync(tsv, "utf8").split("\n").filter(Boolean).map((line) => {
      const [setup, ok, seconds, error] = line.split("\t");
      return { setup, ok: ok === "true", error: error || "", seconds: Number(seconds) };
    });
    fs.writeFileSync(out + ".tmp", JSON.stringify({ tried, chosen: chosen || null, adapter: adapter || null }, null, 1) + "\n");
    fs.renameSync(out + ".tmp", out);
  ' "$probe_tsv" "$chosen" "$adapter" "$to/setup.json"
}

{
  echo "kit: $kit"
  sed -n '1,5p' "$kit/MANIFEST.txt" 2>/dev/null
  echo "node: $node $("$node" --version)"
  echo "host: $(uname -srm)"
  if [ "$gpu" = 1 ]; then echo "gpu:"; sed 's/^/  /' "$work/gpus.txt"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/  /'
  else echo "gpu: none (nvidia-smi absent or failing)"; fi
  echo "user: $(id -u); system libvulkan.so.1: $(has_lib libvulkan.so.1 && echo yes || echo no); NVIDIA ICD files: ${icds[*]:-none}; EGL vendor file: ${egl_vendor:-none}"
  echo "budget: $budget s; stages: $stages; command: quilt $command --out-dir <results> ${args[*]}"
  echo "start: $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)"
} >"$to/machine.txt"

if [ "$gpu" = 1 ]; then
  nvidia-smi --query-gpu=timestamp,index,memory.used,memory.total,utilization.gpu --format=csv,nounits -lms 200 >"$to/gpu-memory.csv" 2>>"$log" &
  sampler=$!
fi

reserve=20   # seconds kept at the end for packing the results
# share PERCENT MAXSECONDS: a stage's cap: its share of the budget, at most MAX, at most what is left before the reserve.
share() { local s=$((budget * $1 / 100)); s=$(min "$s" "$2"); min "$s" "$(( $(left) - reserve ))"; }
# stage_status RC FILES: done, partial (stopped at its cap or failed, having written something), failed, or skipped
# (not started: no time was left, status 200 from capped).
stage_status() {
  if [ "$1" = 0 ]; then echo done; elif [ "$1" = 200 ]; then echo skipped; elif [ -n "$2" ]; then echo partial; else echo failed; fi
}
secs_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# capped CAP LOGNAME CMD...: runs CMD in its own process group, stopped at CAP seconds (then killed 5 s later).
capped() {
  local cap=$1 name=$2; shift 2
  if [ "$cap" -lt 1 ]; then echo "== stage $name: not started, no time left in the budget of $budget s" >>"$log"; return 200; fi
  echo "== stage $name: cap $cap s, started at $(elapsed) s of $budget" >>"$log"
  timeout -k 5 "$cap" "$@"
  local rc=$?
  { [ "$rc" = 124 ] || [ "$rc" = 137 ]; } && echo "== stage $name: stopped at its cap of $cap s" >>"$log"
  return $rc
}

# Probe.
ok_all=1
if wants probe; then
  t0=$(now)
  probe_end=$(( $(elapsed) + $(share 15 90) ))
  run_probe
  write_setup_json
  if [ -n "$chosen" ]; then
    export "${chosen_env[@]}"
    record probe done "$(secs_since "$t0")" setup.json
  else
    note "no Vulkan set-up ran WebGPU (each try is in setup.json, the loader's output in run.log)"
    record probe failed "$(secs_since "$t0")" setup.json; ok_all=0
  fi
  echo "vulkan set-up: ${chosen:-none}; adapter: ${adapter:-none}; ${chosen_env[*]}" >>"$to/machine.txt"
else
  record probe skipped 0 ''
fi
webgpu_ok() { ! wants probe || [ -n "$chosen" ]; }
slug=$(echo "${gpu_name:-${adapter:-gpu}}" | tr 'A-Z' 'a-z' | sed -E 's/\(.*//; s/[^a-z0-9]+/-/g; s/^-|-$//g' | cut -c1-40)

# Calibrate.
if ! wants calibrate; then record calibrate skipped 0 ''
elif ! webgpu_ok; then note "calibrate skipped: no Vulkan set-up ran WebGPU"; record calibrate skipped 0 ''
else
  t0=$(now)
  rm -f "$to/device-profile.json"
  (cd "$work/results" && capped "$(share 22 120)" calibrate "$node" "$quilt_js" sim calibrate --backend webgpu \
    --workload "$work/app/datasets/workloads/quick.json" --repeats 3 --name "webgpu-$slug" \
    --device-name "${gpu_name:-${adapter:-an unnamed WebGPU adapter}}" --out "$to/device-profile.json") >"$work/calibrate.out" 2>>"$log"
  rc=$?
  files=''; [ -f "$to/device-profile.json" ] && files=device-profile.json
  status=$(stage_status "$rc" "$files"); [ "$status" = done ] || ok_all=0
  record calibrate "$status" "$(secs_since "$t0")" "$files"
fi

# Reference (PyTorch on CUDA); exit 3 from the script means it cannot run here (no torch, no CUDA).
if ! wants reference; then record reference skipped 0 ''
elif ! command -v python3 >/dev/null; then note "reference skipped: no python3 here"; record reference skipped 0 ''
else
  t0=$(now)
  cap=$(share 22 120)
  rm -f "$to/torch-reference.json"
  PYTHONUNBUFFERED=1 capped "$cap" reference python3 "$kit/torch-reference.py" --out "$to/torch-reference.json" --budget-s $((cap > 10 ? cap - 5 : cap)) 2>>"$log" >>"$log"
  rc=$?
  files=''; [ -f "$to/torch-reference.json" ] && files=torch-reference.json
  if [ "$rc" = 3 ]; then status=skipped; note "reference skipped: $(tail -n 1 "$log")"
  else status=$(stage_status "$rc" "$files"); [ "$status" = done ] || ok_all=0; fi
  record reference "$status" "$(secs_since "$t0")" "$files"
fi

# The command.
stage_name="$command${args[*]:+ ${args[*]}}"
uses_webgpu=0
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = --backend=webgpu ] && uses_webgpu=1
  [ "${args[$i]}" = --backend ] && [ "${args[$((i + 1))]:-}" = webgpu ] && uses_webgpu=1
done
stdout_name=quilt.txt; [ "$json" = 1 ] && stdout_name=quilt.json
if ! wants command; then record "$stage_name" skipped 0 ''
elif [ "$uses_webgpu" = 1 ] && ! webgpu_ok; then note "quilt $command skipped: it asks for webgpu and no Vulkan set-up ran WebGPU"; record "$stage_name" skipped 0 ''
else
  t0=$(now)
  out_args=()
  [ "$command" = reproduce ] && out_args=(--out-dir "$work/results")
  (cd "$work/results" && capped "$(( $(left) - reserve ))" "quilt $command" "$node" "$quilt_js" "$command" "${out_args[@]}" "${args[@]}") \
    >"$work/results/$stdout_name" 2>>"$log"
  rc=$?
  [ "$rc" = 0 ] || note "quilt $command exited with status $rc (see run.log)"
  written=$(cd "$work/results" && find . -type f ! -name "$stdout_name" | head -1)
  files=''; [ -n "$written" ] && files=results.tar.xz
  status=$(stage_status "$rc" "$files"); [ "$status" = done ] || ok_all=0
  [ -s "$work/results/$stdout_name" ] && files=results.tar.xz
  record "$stage_name" "$status" "$(secs_since "$t0")" "$files"
fi
echo "end: $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" >>"$to/machine.txt"
if [ -n "$sampler" ]; then kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null; sampler=''; fi

# 3. What comes back: at most 8 files, each under the limit.
max_bytes=${QUILT_KIT_MAX_FILE_BYTES:-$((16 * 1048576 - 4096))}
compress() {
  if command -v xz >/dev/null; then xz -6 -T0 -c
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(sys.stdin.buffer, lzma.open(sys.stdout.buffer, "w", preset=6))'; fi
}
keep='stages.json setup.json machine.txt run.log gpu-memory.csv device-profile.json torch-reference.json results.tar.xz'
for f in "$to"/* "$to"/.[!.]*; do
  [ -e "$f" ] || continue
  b=$(basename "$f")
  [[ " $keep " == *" $b "* ]] && continue
  mkdir -p "$work/results/extra" && mv "$f" "$work/results/extra/" && note "$b moved into results.tar.xz (extra/): at most 8 files come back"
done
pack_results() { tar -C "$work" -cf - results | compress >"$to/.results.tar.xz.tmp" && mv "$to/.results.tar.xz.tmp" "$to/results.tar.xz"; }
if [ -n "$(ls -A "$work/results")" ]; then
  pack_results || note "could not write results.tar.xz"
  if [ -f "$to/results.tar.xz" ] && [ "$(stat -c %s "$to/results.tar.xz")" -gt "$max_bytes" ]; then
    find "$work/results" -name '*.html' -type f | while read -r h; do echo "${h#"$work"/}" >>"$work/results/LEFT-OUT.txt"; rm -f "$h"; done
    note "results.tar.xz was over $max_bytes bytes: figures' HTML left out (listed in results/LEFT-OUT.txt)"
    pack_results
    while [ "$(stat -c %s "$to/results.tar.xz")" -gt "$max_bytes" ]; do
      big=$(find "$work/results" -type f ! -name LEFT-OUT.txt -printf '%s %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-)
      [ -n "$big" ] || break
      echo "${big#"$work"/}" >>"$work/results/LEFT-OUT.txt"; rm -f "$big"
      note "results.tar.xz still over $max_bytes bytes: left out ${big#"$work"/}"
      pack_results
    done
  fi
fi
write_stages_json
for f in "$to/run.log" "$to/machine.txt" "$to/gpu-memory.csv"; do   # text only: the JSON files are small by construction
  [ -f "$f" ] && [ "$(stat -c %s "$f")" -gt "$max_bytes" ] || continue
  half=$((max_bytes / 2 - 512))
  { head -c "$half" "$f"; printf '\n... (cut by run.sh: over %s bytes) ...\n' "$max_bytes"; tail -c "$half" "$f"; } >"$f.cut" && mv "$f.cut" "$f"
done

# 4. A short account on stdout (the device tool returns the end of the output).
echo "== machine.txt"; cat "$to/machine.txt"
[ -f "$to/setup.json" ] && { echo "== setup.json"; cat "$to/setup.json"; }
if [ -f "$to/gpu-memory.csv" ]; then
  echo "== gpu-memory.csv: $(($(wc -l <"$to/gpu-memory.csv") - 1)) samples; most memory.used per GPU (MiB):"
  awk -F', *' 'NR > 1 && $3 ~ /^[0-9]+$/ { if ($3 > max[$2]) max[$2] = $3 } END { for (g in max) print "  gpu " g ": " max[g] }' "$to/gpu-memory.csv"
fi
echo "== end of run.log"; tail -n 8 "$log"
if [ -f "$work/results/$stdout_name" ]; then echo "== $stdout_name (first 40 lines)"; head -n 40 "$work/results/$stdout_name"; fi
echo "== stages.json"; cat "$to/stages.json"
echo "== written to $to: $(cd "$to" && ls | tr '\n' ' ')"
[ "$ok_all" = 1 ] && exit 0 || exit 1
