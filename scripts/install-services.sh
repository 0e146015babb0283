#!/usr/bin/env bash
# Install what the integration tests start on loopback: Virtuoso (Debian's virtuoso-opensource)
# and a headless Chromium with its driver. The Oxigraph server comes with the `oxigraph` package
# from PyPI. Nothing is started here: each test starts its own server and stops it.
set -euo pipefail
need=()
command -v virtuoso-t >/dev/null || need+=(virtuoso-opensource)
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
if [ ${#need[@]} -eq 0 ]; then
  echo "services: virtuoso-t, chromium and chromedriver are installed"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "services: installing ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
