#!/usr/bin/env bash
# The sandbox's entrypoint: Xvfb, then the window manager, then the live view (x11vnc + noVNC),
# then `screenloop serve` on a Unix socket in the run dir, each waited for with a bound. Used by
# the container image and by the bubblewrap sandbox alike. `start-desktop.sh health` is the
# health check: it asks the server's /health with the token.
#
# Settings (environment): WIDTH, HEIGHT, DISPLAY_NUM, SCREENLOOP_ENV (desktop|browser),
# SCREENLOOP_RUN_DIR, SCREENLOOP_TOKEN (required), LIVE_VIEW (1|0), VNC_PASSWORD (optional),
# VIEW_ONLY (1|0), SCREENLOOP_BIN, SCREENLOOP_PYTHON, NOVNC_DIR, START_TIMEOUT (seconds per step),
# PROXY_PORT (set when the host serves an allow-list proxy on $RUN_DIR/proxy.sock).
set -euo pipefail

WIDTH="${WIDTH:-1280}"
HEIGHT="${HEIGHT:-800}"
DISPLAY_NUM="${DISPLAY_NUM:-99}"
RUN_DIR="${SCREENLOOP_RUN_DIR:-/run/screenloop}"
SCREENLOOP_ENV="${SCREENLOOP_ENV:-desktop}"
LIVE_VIEW="${LIVE_VIEW:-1}"
SCREENLOOP_BIN="${SCREENLOOP_BIN:-screenloop}"
SCREENLOOP_PYTHON="${SCREENLOOP_PYTHON:-python3}"
NOVNC_DIR="${NOVNC_DIR:-/usr/share/novnc}"
START_TIMEOUT="${START_TIMEOUT:-30}"

health() {
  "$SCREENLOOP_PYTHON" - "$RUN_DIR/api.sock" <<'PY'
import http.client, os, socket, sys
class UnixConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(3)
        self.sock.connect(sys.argv[1])
connection = UnixConnection("sandbox", timeout=3)
connection.request("GET", "/health", headers={"authorization": "Bearer " + os.environ["SCREENLOOP_TOKEN"]})
sys.exit(0 if connection.getresponse().status == 200 else 1)
PY
}

if [ "${1:-}" = health ]; then health; exit; fi

log() { echo "start-desktop: $*" >&2; }
[ -n "${SCREENLOOP_TOKEN:-}" ] || { log "SCREENLOOP_TOKEN is not set"; exit 2; }
[ -d "$RUN_DIR" ] || { log "run dir $RUN_DIR does not exist"; exit 2; }

# wait_for WHAT PID COMMAND...: until COMMAND succeeds; fail if PID exits or time runs out.
wait_for() {
  local what="$1" pid="$2"; shift 2
  local deadline=$((SECONDS + START_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { log "$what exited before it was ready"; exit 1; }
    [ "$SECONDS" -lt "$deadline" ] || { log "$what not ready within ${START_TIMEOUT}s"; exit 1; }
    sleep 0.05
  done
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
has_wm() { xprop -root _NET_SUPPORTING_WM_CHECK | grep -q 'window id'; }

children=()
cleanup() {
  trap - EXIT TERM INT
  [ "${#children[@]}" -eq 0 ] || kill "${children[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 143' TERM INT

export DISPLAY=":$DISPLAY_NUM"
Xvfb "$DISPLAY" -screen 0 "${WIDTH}x${HEIGHT}x24" -nolisten tcp -noreset +extension XTEST &
children+=($!)
wait_for "Xvfb on $DISPLAY" "$!" xdpyinfo -display "$DISPLAY"

openbox --sm-disable &
children+=($!)
wait_for openbox "$!" has_wm

if [ "$LIVE_VIEW" = 1 ]; then
  vnc_auth=(-nopw)
  [ -z "${VNC_PASSWORD:-}" ] || vnc_auth=(-passwd "$VNC_PASSWORD")
  view=()
  [ "${VIEW_ONLY:-0}" != 1 ] || view=(-viewonly)
  x11vnc -display "$DISPLAY" -rfbport 5900 -localhost -shared -forever -quiet -noxdamage \
    "${vnc_auth[@]}" "${view[@]}" >/dev/null 2>&1 &
  children+=($!)
  wait_for x11vnc "$!" port_open 5900
  websockify --web "$NOVNC_DIR" 127.0.0.1:6080 127.0.0.1:5900 >/dev/null 2>&1 &
  children+=($!)
  wait_for "websockify (noVNC)" "$!" port_open 6080
  # The sandbox has no network: the host reaches the live view through a socket in the run dir.
  "$SCREENLOOP_PYTHON" -m environments.sandbox._relay "unix:$RUN_DIR/live.sock" "tcp:127.0.0.1:6080" &
  children+=($!)
  wait_for "live view relay" "$!" test -S "$RUN_DIR/live.sock"
fi

# The owner holds an exclusive lock on the lease file while it runs; when it dies, even by
# SIGKILL, the kernel drops the lock, this shared lock is granted, and the sandbox stops.
if [ -e "$RUN_DIR/lease" ]; then
  ( flock -s "$RUN_DIR/lease" true && log "owner is gone: stopping" && kill -TERM $$ ) &
  children+=($!)
fi

# An allow-list: the sandbox still has no network, but the host filters requests on proxy.sock.
# A relay makes it 127.0.0.1:$PROXY_PORT in here, and every program started from now on (the
# server's launches included) finds it in the usual variables. No socket, no network: fail closed.
serve_proxy=()
if [ -n "${PROXY_PORT:-}" ]; then
  [ -S "$RUN_DIR/proxy.sock" ] || { log "PROXY_PORT is set but $RUN_DIR/proxy.sock is missing"; exit 2; }
  "$SCREENLOOP_PYTHON" -m environments.sandbox._relay "tcp:127.0.0.1:$PROXY_PORT" "unix:$RUN_DIR/proxy.sock" &
  children+=($!)
  wait_for "proxy relay" "$!" port_open "$PROXY_PORT"
  export HTTP_PROXY="http://127.0.0.1:$PROXY_PORT"
  export HTTPS_PROXY="$HTTP_PROXY" http_proxy="$HTTP_PROXY" https_proxy="$HTTP_PROXY"
  serve_proxy=(--proxy "$HTTP_PROXY")
fi

mkdir -p "$RUN_DIR/frames"
"$SCREENLOOP_BIN" serve --env "$SCREENLOOP_ENV" --display "$DISPLAY" \
  --uds "$RUN_DIR/api.sock" --frames-dir "$RUN_DIR/frames" "${serve_proxy[@]}" &
children+=($!)
wait_for "screenloop serve" "$!" health
log "ready: $SCREENLOOP_ENV ${WIDTH}x${HEIGHT} on $DISPLAY"
touch "$RUN_DIR/ready"

# Any child that exits ends the sandbox; the EXIT trap stops the rest.
wait -n
log "a component exited: stopping"
