# Sourced by the setup scripts: install Debian packages that are missing, as root or with sudo.
#   apt_install TAG pkg...      (TAG prefixes the messages, e.g. "setup")

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "${APT_TAG:-setup}: need root or sudo for: $*" >&2; return 1; fi
}

apt_install() {
  APT_TAG="$1"; shift
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "$APT_TAG: installing ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}
