#!/usr/bin/env bash
# `npm run notebook`: builds the toolkit (notebooks load it from dist/), registers the tslab kernel of this
# project's own tslab with Debian's Jupyter, and starts the classic Jupyter Notebook on this folder.
# Extra arguments go to Jupyter (e.g. `npm run notebook -- --port=9999 --ip=0.0.0.0`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

python=/usr/bin/python3
if ! "$python" -c 'import notebook' 2>/dev/null; then
  echo "Jupyter Notebook is not installed. On Debian 12: apt-get install --no-install-recommends jupyter-notebook" >&2
  echo "(and the packages of .ci/system-packages.sh for running notebooks headless)" >&2
  exit 1
fi

if [ ! -x node_modules/.bin/tslab ]; then
  echo "node_modules/.bin/tslab is missing: run npm ci first" >&2
  exit 1
fi

echo "Building the toolkit (notebooks import it from dist/) ..."
npx tsc -p tsconfig.json || echo "warning: the build reported errors; notebooks use whatever dist/ holds" >&2

# The kernel spec names this project's tslab by absolute path, so Jupyter started from anywhere uses it.
node_modules/.bin/tslab install --python="$python" --binary="$root/node_modules/.bin/tslab"

# The kernels inherit the cpu backend's malloc settings (runtime/cpu-process-env.ts says why; glibc reads them
# only when a process starts), unless you set either variable yourself.
if [ -z "${MALLOC_MMAP_THRESHOLD_:-}" ] && [ -z "${MALLOC_TRIM_THRESHOLD_:-}" ]; then
  eval "$(node -e 'const { CPU_MALLOC_ENV } = require("./dist/toolkit/runtime/cpu-process-env");
    for (const [k, v] of Object.entries(CPU_MALLOC_ENV)) console.log(`export ${k}=${v}`);')"
fi

export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
args=(--notebook-dir="$root/notebooks" --no-browser)
if [ "$(id -u)" -eq 0 ]; then args+=(--allow-root); fi
exec "$python" -m notebook "${args[@]}" "$@"
