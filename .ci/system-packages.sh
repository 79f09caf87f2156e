#!/usr/bin/env bash
# Installs the Debian 12 (bookworm) packages the tests need; safe to run again (idempotent).
#  - Jupyter (nbconvert + nbclient + ipykernel) to execute the notebooks on the tslab kernel;
#  - Chromium, headless, to render plotly figures to PNG/SVG and to open exported notebooks;
#  - Mesa's Vulkan driver 25.x from bookworm-backports (lavapipe) + libvulkan1, so that
#    onnxruntime-node's WebGPU backend finds an adapter on a machine with no GPU.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
APT_GET="$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=600"

# Add bookworm-backports to apt's sources unless some enabled source already lists it.
if ! grep -rqsE '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; then
  $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
fi

$APT_GET update
$APT_GET install --no-install-recommends \
  jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel jupyter-notebook \
  chromium fonts-dejavu-core \
  libvulkan1
$APT_GET install --no-install-recommends -t bookworm-backports mesa-vulkan-drivers

# Report what is there, so a CI log shows the versions the tests ran with.
dpkg-query -W -f='${Package} ${Version}\n' jupyter-nbconvert python3-nbclient python3-ipykernel chromium mesa-vulkan-drivers libvulkan1
