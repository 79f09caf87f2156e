#!/usr/bin/env bash
# The GPU kit's entry point (copied into .gpu-kit/ by scripts/gpu/pack.sh; see scripts/gpu/README.md).
#   .gpu-kit/run.sh --to DIR [--quilt COMMAND] [options for that command]
# COMMAND is `reproduce` unless named; `--out-dir` is chosen here (results are written under DIR).
#
# Stages: check the arguments; unpack the kit (node, toolkit, npm packages, onnxruntime's linux-x64 files,
# Debian's Vulkan loader) into a fresh temporary folder, checking each part's sha256 against MANIFEST.txt;
# when nvidia-smi answers, point the Vulkan loader at NVIDIA's ICD and sample GPU memory every 200 ms in the
# background; run the carried node (never a system node) on `quilt COMMAND` from inside the results folder;
# stop the sampler; write into DIR at most five files:
#   quilt.json (stdout, with --json) or quilt.txt, run.log (stderr and the kit's own lines), machine.txt (what
#   ran where: node, GPU, Vulkan set-up, start and end times), gpu-memory.csv (only with a GPU) and
#   results.tar.xz (everything the command wrote); then a short account of them on stdout.
# Exit status: the command's; 2 for bad arguments here.
set -uo pipefail

kit=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage='usage: run.sh --to DIR [--quilt COMMAND] [options for quilt COMMAND]   (COMMAND defaults to reproduce)'
to=''
command=reproduce
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --to) [ $# -ge 2 ] || { echo "run.sh: --to needs a folder; $usage" >&2; exit 2; }; to=$2; shift 2 ;;
    --to=*) to=${1#--to=}; shift ;;
    --quilt) [ $# -ge 2 ] || { echo "run.sh: --quilt needs a command name; $usage" >&2; exit 2; }; command=$2; shift 2 ;;
    --out-dir|--out-dir=*) echo "run.sh: --out-dir is chosen by the kit (results go under --to DIR); $usage" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[ -n "$to" ] || { echo "run.sh: name the folder for results with --to DIR (for example --to \"\$OUT\"); $usage" >&2; exit 2; }
mkdir -p "$to" || { echo "run.sh: cannot create the results folder '$to'" >&2; exit 2; }
to=$(cd "$to" && pwd)
json=0
for a in "${args[@]}"; do [ "$a" = --json ] && json=1; done

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
mkdir -p "$work/bin" "$work/results" "$work/xdg" "$work/cache"
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

# 2. GPU, Vulkan loader and driver.
ldconfig_bin=$(command -v ldconfig || ls /sbin/ldconfig /usr/sbin/ldconfig 2>/dev/null | head -1)
has_lib() { [ -n "$ldconfig_bin" ] && "$ldconfig_bin" -p 2>/dev/null | grep -qE "^[[:space:]]*$1 "; }
gpu=0
if command -v nvidia-smi >/dev/null && nvidia-smi -L >"$work/gpus.txt" 2>&1; then gpu=1; fi
if [ "$gpu" = 1 ]; then
  if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
    for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
      if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"; break; fi
    done
  fi
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
    [ -d "$d" ] && export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$d"
  done
  # Refresh the loader cache so NVIDIA's libraries are found by name (as the device notes do); root only.
  if [ "$(id -u)" = 0 ] && [ -n "$ldconfig_bin" ]; then "$ldconfig_bin" 2>>"$log"; fi
fi
vulkan=system
if [ "${QUILT_KIT_VULKAN:-}" = kit ] || ! has_lib libvulkan.so.1; then
  vulkan=kit
  export LD_LIBRARY_PATH="$work/sys/lib/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
if [ "$gpu" = 1 ] && ! has_lib libGLdispatch.so.0; then
  export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$work/sys/lib/glvnd"
fi

{
  echo "kit: $kit"
  sed -n '1,4p' "$kit/MANIFEST.txt" 2>/dev/null
  echo "node: $node $("$node" --version)"
  echo "host: $(uname -srm)"
  if [ "$gpu" = 1 ]; then echo "gpu:"; sed 's/^/  /' "$work/gpus.txt"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/  /'
  else echo "gpu: none (nvidia-smi absent or failing)"; fi
  echo "vulkan loader: $vulkan; VK_DRIVER_FILES=${VK_DRIVER_FILES:-} LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  echo "command: quilt $command --out-dir <results> ${args[*]}"
} >"$to/machine.txt"

# 3. Sample GPU memory in the background while the command runs.
if [ "$gpu" = 1 ]; then
  nvidia-smi --query-gpu=timestamp,index,memory.used,memory.total,utilization.gpu --format=csv,nounits -lms 200 >"$to/gpu-memory.csv" 2>>"$log" &
  sampler=$!
  sleep 1
fi

# 4. Run the command from inside the results folder, so relative output paths land there too.
out_args=()
[ "$command" = reproduce ] && out_args=(--out-dir "$work/results")
stdout_file="$to/quilt.txt"; [ "$json" = 1 ] && stdout_file="$to/quilt.json"
echo "start: $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" >>"$to/machine.txt"
(cd "$work/results" && "$node" "$work/app/$("$node" -p "require('$work/app/package.json').bin.quilt")" "$command" "${out_args[@]}" "${args[@]}") \
  >"$stdout_file" 2>>"$log"
status=$?
echo "end: $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" >>"$to/machine.txt"
echo "exit: $status" >>"$to/machine.txt"
if [ -n "$sampler" ]; then sleep 1; kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null; sampler=''; fi

# 5. Everything the command wrote, in one file.
compress() {
  if command -v xz >/dev/null; then xz -6 -T0 -c
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(sys.stdin.buffer, lzma.open(sys.stdout.buffer, "w", preset=6))'; fi
}
tar -C "$work" -cf - results | compress >"$to/.results.tar.xz.tmp" && mv "$to/.results.tar.xz.tmp" "$to/results.tar.xz" \
  || note "could not write results.tar.xz"
[ "$status" = 0 ] || note "quilt $command exited with status $status (see run.log)"

# 6. A short account on stdout (the device tool returns the end of the output).
echo "== machine.txt"; cat "$to/machine.txt"
if [ -f "$to/gpu-memory.csv" ]; then
  echo "== gpu-memory.csv: $(($(wc -l <"$to/gpu-memory.csv") - 1)) samples; most memory.used per GPU (MiB):"
  awk -F', *' 'NR > 1 && $3 ~ /^[0-9]+$/ { if ($3 > max[$2]) max[$2] = $3 } END { for (g in max) print "  gpu " g ": " max[g] }' "$to/gpu-memory.csv"
fi
echo "== end of run.log"; tail -n 5 "$log"
echo "== $(basename "$stdout_file") (first 60 lines)"; head -n 60 "$stdout_file"
echo "== written to $to: $(cd "$to" && ls | tr '\n' ' ')"
exit "$status"
