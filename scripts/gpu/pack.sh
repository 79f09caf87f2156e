#!/usr/bin/env bash
# Packs .gpu-kit/: everything a bare x86-64 Linux machine with an NVIDIA GPU (no Node.js, no network) needs to
# run `quilt reproduce`. Usage: scripts/gpu/pack.sh [--skip-build]   (see scripts/gpu/README.md)
#
# Stages:
#  1. build the toolkit (tsc), unless --skip-build;
#  2. stage (dist/scripts/gpu/stage.js): the compiled files `quilt` reaches, datasets/, and the npm packages
#     they need (nothing else from node_modules), onnxruntime-node's linux-x64 binaries set apart;
#  3. each part becomes one deterministic tar (sorted names, mtime 0, owner 0) compressed with xz -9 in 16 MiB
#     blocks on two threads (the output depends on the block size, not on the threads or the load):
#     node.xz (this machine's node binary), ort.tar.xz, deps.tar.xz, app.tar.xz, sys.tar.xz (the seven Debian
#     packages the GPU machines' operators name for Vulkan and EGL: libvulkan1 libegl1 libglvnd0 libopengl0 libgl1
#     libglx0 libgles2, fetched once with `apt-get download` (after one `apt-get update` if that fails), carried as
#     .debs for run.sh's set-up a and unpacked with `dpkg -x` into lib/vulkan and lib/gl for set-ups b-d);
#  4. run.sh, torch-reference.py and MANIFEST.txt (sizes, sha256, versions) are written; the whole kit must stay under 60 MiB.
# Invariants: a part is recompressed only when its uncompressed content (sha256 of its tar) changed, so a
# second pack of the same tree rewrites nothing (idempotent) and the same inputs give the same bytes
# (reproducible); every file is written to a temporary name and renamed into place; one pack at a time (flock).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
kit="$repo/.gpu-kit"
cache="$repo/.cache/gpu-kit"
limit_mib=60
build=1
for arg in "$@"; do
  case "$arg" in
    --skip-build) build=0 ;;
    *) echo "pack.sh: unknown option '$arg' (usage: scripts/gpu/pack.sh [--skip-build])" >&2; exit 2 ;;
  esac
done

mkdir -p "$kit/.stamps" "$cache"
exec 9>"$cache/pack.lock"
flock 9

say() { echo "pack.sh: $*" >&2; }
die() { echo "pack.sh: $*" >&2; exit 1; }
for tool in xz tar sha256sum dpkg apt-get flock; do
  command -v "$tool" >/dev/null || die "'$tool' is needed to pack the kit and was not found"
done

node_bin=$(readlink -f "${QUILT_KIT_NODE:-$(command -v node || true)}")
[ -x "$node_bin" ] || die "no node binary to carry (set QUILT_KIT_NODE to one)"
# ELF, 64-bit, x86-64 (e_machine 0x3e): the device machine is x86-64 whatever this one is.
[ "$(od -An -tx1 -j0 -N5 "$node_bin" | tr -d ' \n')" = "7f454c4602" ] && [ "$(od -An -tx1 -j18 -N1 "$node_bin" | tr -d ' ')" = "3e" ] \
  || die "$node_bin is not an x86-64 ELF binary (set QUILT_KIT_NODE to a linux-x64 node)"

if [ "$build" = 1 ]; then
  say "building the toolkit"
  (cd "$repo" && ./node_modules/.bin/tsc -p tsconfig.json)
fi
[ -f "$repo/dist/scripts/gpu/stage.js" ] || die "dist/scripts/gpu/stage.js is missing: build first (npm run build)"

stage="$cache/stage"
"$node_bin" "$repo/dist/scripts/gpu/stage.js" "$repo" "$stage" >&2
# The node_modules part changes with package-lock.json, the app part with every build: kept apart.
mkdir -p "$stage/deps"
mv "$stage/app/node_modules" "$stage/deps/node_modules"

# Debian's Vulkan loader and glvnd's GL/EGL dispatch libraries (NVIDIA's Vulkan driver starts through glvnd's EGL),
# from cached .debs: carried whole (run.sh's set-up a unpacks them into / as root) and unpacked (set-ups b-d).
debs="$cache/debs"
mkdir -p "$debs"
sys_packages="libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2"
updated=0
for pkg in $sys_packages; do
  if ! ls "$debs/${pkg}_"*_amd64.deb >/dev/null 2>&1; then
    say "fetching $pkg (amd64) with apt-get download"
    if ! (cd "$debs" && apt-get download -q "$pkg:amd64" >&2); then
      # Once per pack: the package lists may be missing or stale (a fresh machine); refresh them, then retry.
      [ "$updated" = 0 ] && [ "$(id -u)" = 0 ] || die "apt-get download $pkg:amd64 failed (needs Debian's archive; run apt-get update as root)"
      updated=1
      say "apt-get download failed; running apt-get update once"
      apt-get update -q >&2 || die "apt-get update failed (needs Debian's archive)"
      (cd "$debs" && apt-get download -q "$pkg:amd64" >&2) || die "apt-get download $pkg:amd64 failed after apt-get update"
    fi
  fi
done
sysroot="$stage/sys-root"
rm -rf "$sysroot" "$stage/sys"
mkdir -p "$sysroot" "$stage/sys/lib/vulkan" "$stage/sys/lib/gl" "$stage/sys/doc" "$stage/sys/debs"
for pkg in $sys_packages; do
  deb=$(ls "$debs/${pkg}_"*_amd64.deb | sort | tail -1)
  cp "$deb" "$stage/sys/debs/"
  dpkg -x "$deb" "$sysroot"
  cp "$sysroot/usr/share/doc/$pkg/copyright" "$stage/sys/doc/$pkg.copyright"
done
lib="$sysroot/usr/lib/x86_64-linux-gnu"
cp -a "$lib"/libvulkan.so.1* "$stage/sys/lib/vulkan/"
for f in "$lib"/lib*.so.*; do case "$(basename "$f")" in libvulkan.so*) ;; *) cp -a "$f" "$stage/sys/lib/gl/" ;; esac; done
debs_list=$(cd "$stage/sys/debs" && ls -1 *.deb | tr '\n' ' ')

# A deterministic tar of a folder's contents on stdout.
det_tar() { tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --mode=u+rw,go-w --format=gnu -C "$1" -cf - .; }

# put NAME KEY PRODUCER...: writes $kit/NAME from the producer's stdout through xz, unless KEY is unchanged.
xz_args=(-9 -T2 --block-size=16MiB)
put() {
  local name=$1 key="$2 xz ${xz_args[*]}"; shift 2
  if [ -f "$kit/$name" ] && [ "$(cat "$kit/.stamps/$name.key" 2>/dev/null)" = "$key" ]; then
    say "$name unchanged"
    return
  fi
  say "compressing $name"
  "$@" | xz "${xz_args[@]}" -c >"$kit/.$name.tmp"
  mv "$kit/.$name.tmp" "$kit/$name"
  echo "$key" >"$kit/.stamps/.$name.key.tmp" && mv "$kit/.stamps/.$name.key.tmp" "$kit/.stamps/$name.key"
}
tar_key() { det_tar "$1" | sha256sum | cut -d' ' -f1; }

put node.xz "$(sha256sum "$node_bin" | cut -d' ' -f1)" cat "$node_bin"
put ort.tar.xz "$(tar_key "$stage/ort")" det_tar "$stage/ort"
put deps.tar.xz "$(tar_key "$stage/deps")" det_tar "$stage/deps"
put app.tar.xz "$(tar_key "$stage/app")" det_tar "$stage/app"
put sys.tar.xz "$(tar_key "$stage/sys")" det_tar "$stage/sys"

for script in run.sh torch-reference.py; do
  if ! cmp -s "$repo/scripts/gpu/$script" "$kit/$script"; then
    cp "$repo/scripts/gpu/$script" "$kit/.$script.tmp" && chmod 755 "$kit/.$script.tmp" && mv "$kit/.$script.tmp" "$kit/$script"
  fi
done

node_version=$("$node_bin" --version)
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$repo" status --porcelain --untracked-files=no -- toolkit package.json package-lock.json 2>/dev/null | head -1)
{
  echo "Quilt GPU kit: run with ./run.sh --to DIR [--budget-s N]; see scripts/gpu/README.md"
  echo "toolkit: $(cd "$stage/app" && "$node_bin" -p "require('./package.json').version") at commit $commit${dirty:+ (with uncommitted changes)}"
  echo "node: $node_version linux-x64"
  echo "packages: $("$node_bin" -p "require('$stage/app/kit-contents.json').packages.join(' ')")"
  echo "debian: $debs_list"
  echo "sha256:"
  (cd "$kit" && sha256sum node.xz ort.tar.xz deps.tar.xz app.tar.xz sys.tar.xz run.sh torch-reference.py)
} >"$kit/.MANIFEST.txt.tmp"
if cmp -s "$kit/.MANIFEST.txt.tmp" "$kit/MANIFEST.txt"; then rm "$kit/.MANIFEST.txt.tmp"; else mv "$kit/.MANIFEST.txt.tmp" "$kit/MANIFEST.txt"; fi

bytes=$(du -cb "$kit"/*.xz "$kit/run.sh" "$kit/torch-reference.py" "$kit/MANIFEST.txt" | tail -1 | cut -f1)
[ "$bytes" -le $((limit_mib * 1048576)) ] || die "the kit is $((bytes / 1048576)) MiB, over the $limit_mib MiB limit"
say "kit ready: $kit ($(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MiB)"
