#!/usr/bin/env bash
# Install what screenloop needs on Debian/Ubuntu, then the project itself into .venv.
# Idempotent: packages already present are skipped, and the venv is reused.
#
#   scripts/setup.sh            system packages + .venv with the project and its dev extra
#   SKIP_APT=1 scripts/setup.sh only the venv (for machines where packages are managed elsewhere)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  xvfb openbox x11-utils xclip xdotool scrot           # virtual desktop; xdotool/scrot only for the benchmark's baseline
  chromium                                            # the browser (Playwright's own download is not assumed)
  fonts-dejavu-core fonts-liberation fonts-noto-cjk fonts-noto-color-emoji
  tesseract-ocr tesseract-ocr-eng                     # OCR for text checks and anchors on a desktop
  bubblewrap x11vnc novnc websockify                  # the bubblewrap sandbox and its live view
  python3-venv python3-dev ca-certificates
)

source scripts/_apt.sh
if [ -z "${SKIP_APT:-}" ] && command -v apt-get >/dev/null; then
  apt_install setup "${PACKAGES[@]}"
fi

PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      PYTHON="$candidate"; break
    fi
  done
fi
[ -n "$PYTHON" ] || { echo "setup: Python 3.11 or newer is needed" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[dev]"
touch .venv/.installed
echo "setup: ready ($(.venv/bin/python --version), $(command -v chromium || echo 'no chromium'))"
