#!/bin/sh
# Make headless Chromium available for the report screenshot test: a no-op when a Chromium is
# on PATH, else the Debian package `chromium` through apt-get (root, or sudo without a password).
# Prints the binary's path on success; exits non-zero with a reason when it cannot install.
set -eu

find_chromium() {
    for name in chromium chromium-browser google-chrome-stable google-chrome; do
        if command -v "$name" >/dev/null 2>&1; then
            command -v "$name"
            return 0
        fi
    done
    return 1
}

if find_chromium; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: no chromium on PATH and no apt-get to install it; install Chromium yourself" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "ensure_chromium: installing chromium needs root (run: sudo apt-get install chromium)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
find_chromium || { echo "ensure_chromium: apt-get finished but no chromium is on PATH" >&2; exit 1; }
