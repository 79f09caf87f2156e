#!/usr/bin/env bash
# Run by `npm test` (its pretest step): makes sure the system packages the tests need are there.
#  - present: prints nothing and exits 0 (a few dpkg-query calls, well under a second);
#  - missing, as root with apt-get: runs .ci/system-packages.sh once (idempotent), then checks again;
#  - missing otherwise: one line saying what is missing and how to get it, exit 1.
# What is checked: Jupyter (nbconvert, nbclient, ipykernel) for the notebooks, Chromium for figures, and Mesa's
# Vulkan driver 25.x from bookworm-backports (lavapipe) with libvulkan1 for WebGPU without a GPU.
# Test hooks (for checking both paths without removing packages): QUILT_ASSUME_MISSING="chromium ..." treats
# those packages as absent; QUILT_SYSTEM_INSTALLER replaces the installer script; QUILT_NO_INSTALL=1 never installs.
set -uo pipefail
cd "$(dirname "$0")/.."

PACKAGES="jupyter-nbconvert python3-nbclient python3-ipykernel chromium libvulkan1 mesa-vulkan-drivers"

missing_packages() {
  local missing=()
  for p in $PACKAGES; do
    if [[ " ${QUILT_ASSUME_MISSING:-} " == *" $p "* ]]; then missing+=("$p"); continue; fi
    local status version
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) || status=""
    if [[ "$status" != ii* ]]; then missing+=("$p"); continue; fi
    if [ "$p" = mesa-vulkan-drivers ]; then
      # bookworm's 22.x is rejected by Dawn ("No supported adapters"); the backports build (25.x) works.
      version=$(dpkg-query -W -f='${Version}' "$p")
      if [ "${version%%.*}" -lt 23 ] 2>/dev/null; then missing+=("$p>=25(backports)"); fi
    fi
  done
  echo "${missing[*]:-}"
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "npm test: cannot check the system packages (no dpkg-query: not Debian); install Jupyter (nbconvert, nbclient, ipykernel), Chromium and Mesa's lavapipe Vulkan driver, or see .ci/system-packages.sh" >&2
  exit 1
fi

missing=$(missing_packages)
[ -z "$missing" ] && exit 0

installer="${QUILT_SYSTEM_INSTALLER:-.ci/system-packages.sh}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 && [ "${QUILT_NO_INSTALL:-}" != 1 ]; then
  echo "npm test: installing missing system packages ($missing) with $installer" >&2
  if ! bash "$installer" >&2; then
    echo "npm test: $installer failed; the tests need: $missing" >&2
    exit 1
  fi
  missing=$(QUILT_ASSUME_MISSING="" missing_packages)
  [ -z "$missing" ] && exit 0
  echo "npm test: still missing after $installer: $missing" >&2
  exit 1
fi

echo "npm test: missing system packages: $missing; install them with \`sudo bash .ci/system-packages.sh\` (Debian 12) and run npm test again" >&2
exit 1
