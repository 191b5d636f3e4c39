#!/usr/bin/env bash
# Build the Debian bookworm base image from Debian's own packages, for machines that cannot pull
# images from a registry: debootstrap a minimal system into a folder, import it into podman, and
# tag it under the names a `FROM debian:bookworm` resolves to, so the Dockerfile builds unchanged.
# Idempotent: does nothing when the image is already there.
#
#   scripts/build-base-image.sh            build localhost/debian:bookworm if missing
#   FORCE=1 scripts/build-base-image.sh    rebuild it
set -euo pipefail

SUITE="${SUITE:-bookworm}"
ENGINE="${ENGINE:-podman}"
NAMES=("localhost/debian:$SUITE" "docker.io/library/debian:$SUITE")

if [ -z "${FORCE:-}" ] && "$ENGINE" image exists "${NAMES[0]}" 2>/dev/null; then
  for name in "${NAMES[@]:1}"; do "$ENGINE" image exists "$name" || "$ENGINE" tag "${NAMES[0]}" "$name"; done
  echo "base image: ${NAMES[0]} already present"
  exit 0
fi

command -v debootstrap >/dev/null || { echo "base image: debootstrap is not installed (Debian package 'debootstrap')" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "base image: debootstrap needs root" >&2; exit 1; }

root="$(mktemp -d /var/tmp/screenloop-rootfs.XXXXXX)"
trap 'rm -rf --one-file-system "$root"' EXIT

echo "base image: debootstrap $SUITE into $root (Debian's default mirror)"
# minbase: essential packages and apt, like the official image. No mirror argument: debootstrap's
# default mirror, which also ends up in the image's sources.list for the Dockerfile's apt-get.
debootstrap --variant=minbase "$SUITE" "$root" >/dev/null

# What the official image does to stay small and quiet in containers.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$root/etc/apt/apt.conf.d/90screenloop-norecommends"
printf 'Dir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n' > "$root/etc/apt/apt.conf.d/90screenloop-nocache"
: > "$root/etc/machine-id"

tar --numeric-owner -C "$root" -c . | "$ENGINE" import \
  --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - "${NAMES[0]}" >/dev/null
for name in "${NAMES[@]:1}"; do "$ENGINE" tag "${NAMES[0]}" "$name"; done
echo "base image: built ${NAMES[*]}"
