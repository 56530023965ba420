#!/usr/bin/env bash
# Browser tests need Debian's Chromium at /usr/bin/chromium; install it when missing (CI runs as root).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "Browser tests need Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium' and retry." >&2
  exit 1
fi
