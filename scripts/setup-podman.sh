#!/usr/bin/env bash
# Make podman usable on a fresh Debian machine, for the sandbox image and its tests:
# the packages (podman with runc, debootstrap for the base image, bubblewrap for the lighter
# sandbox, x11vnc/noVNC for the live view), and a containers.conf drop-in that selects runc and
# cgroupfs (the default crun fails on hybrid cgroups; there may be no systemd to manage cgroups).
# Idempotent. Needs root (or sudo).
set -euo pipefail

PACKAGES=(podman runc uidmap slirp4netns fuse-overlayfs debootstrap bubblewrap x11vnc novnc websockify)
CONF_DIR=/etc/containers/containers.conf.d
CONF="$CONF_DIR/50-screenloop.conf"

source "$(dirname "$0")/_apt.sh"
apt_install setup-podman "${PACKAGES[@]}"

wanted='[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"'
if [ "$(cat "$CONF" 2>/dev/null)" != "$wanted" ]; then
  as_root mkdir -p "$CONF_DIR"
  printf '%s\n' "$wanted" | as_root tee "$CONF" >/dev/null
  echo "setup-podman: wrote $CONF"
fi

podman info --format 'setup-podman: podman {{.Version.Version}}, runtime {{.Host.OCIRuntime.Name}}, cgroups {{.Host.CgroupsVersion}}' \
  2>/dev/null || podman --version
