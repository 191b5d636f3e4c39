#!/usr/bin/env bash
# Build the sandbox image (Dockerfile at the repo root) with podman, or docker where it runs.
# Idempotent: skips the build when an image of the current sources is already present (the image
# is labelled with a hash of the Dockerfile, the start script and the Python sources).
#
#   scripts/build-image.sh               build localhost/screenloop:latest if missing or stale
#   FORCE=1 scripts/build-image.sh       rebuild
#   IMAGE=name:tag ENGINE=docker ...     another name or engine
#
# Python packages come from the host's pip (its index configuration applies) into build/wheels,
# so the image build itself only needs Debian's mirror, configured in the base image.
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE="${ENGINE:-podman}"
IMAGE="${IMAGE:-localhost/screenloop:latest}"
PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3

digest="$(cat Dockerfile scripts/start-desktop.sh pyproject.toml $(git ls-files actions environments agent 2>/dev/null || find actions environments agent -name '*.py' | sort) | sha256sum | cut -c1-16)"
if [ -z "${FORCE:-}" ] && "$ENGINE" image exists "$IMAGE" 2>/dev/null; then
  have="$("$ENGINE" image inspect --format '{{ index .Labels "screenloop.sources" }}' "$IMAGE" 2>/dev/null || true)"
  if [ "$have" = "$digest" ]; then echo "image: $IMAGE is up to date"; exit 0; fi
fi

if [ "$ENGINE" = podman ]; then scripts/build-base-image.sh; fi

echo "image: collecting wheels into build/wheels"
rm -rf build/wheels && mkdir -p build/wheels
"$PYTHON" -m pip wheel -q --wheel-dir build/wheels . >/dev/null

echo "image: building $IMAGE with $ENGINE"
args=(build --network=host --label "screenloop.sources=$digest" -t "$IMAGE" .)
if [ "$ENGINE" = podman ]; then args=(build --format docker --pull=never --network=host --label "screenloop.sources=$digest" -t "$IMAGE" .); fi
"$ENGINE" "${args[@]}"
echo "image: built $IMAGE"
