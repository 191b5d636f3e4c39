# The sandbox image: a virtual desktop (Xvfb + openbox), Debian's Chromium, a live view
# (x11vnc + noVNC/websockify), fonts, tesseract, and screenloop in a virtual environment,
# run by a non-root user. The entrypoint starts everything in order and then `screenloop serve`
# on a Unix socket in /run/screenloop, which the host mounts (the container needs no network).
#
# Build with scripts/build-image.sh: it prepares the Python wheels with the host's pip (so the
# host's index configuration applies and the image build needs no pip access), then runs
#   podman build --format docker --network=host -t localhost/screenloop:latest .
# No API key or token is ever built in: the token arrives at run time as SCREENLOOP_TOKEN.
FROM debian:bookworm

ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends \
      xvfb openbox x11-utils xclip \
      chromium \
      fonts-dejavu-core fonts-liberation fonts-noto-cjk fonts-noto-color-emoji \
      tesseract-ocr tesseract-ocr-eng \
      x11vnc novnc websockify \
      python3 python3-venv ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb

# Wheels only, no index: everything screenloop needs was downloaded on the host.
COPY build/wheels /tmp/wheels
RUN python3 -m venv /opt/screenloop \
 && /opt/screenloop/bin/pip install -q --no-index --find-links /tmp/wheels --no-cache-dir screenloop \
 && rm -rf /tmp/wheels

COPY scripts/start-desktop.sh /usr/local/bin/start-desktop.sh
RUN useradd --create-home --uid 1000 --shell /bin/bash screenloop \
 && install -d -o screenloop -g screenloop -m 0755 /run/screenloop

ENV WIDTH=1280 \
    HEIGHT=800 \
    DISPLAY_NUM=99 \
    SCREENLOOP_ENV=desktop \
    SCREENLOOP_RUN_DIR=/run/screenloop \
    SCREENLOOP_PYTHON=/opt/screenloop/bin/python \
    SCREENLOOP_BIN=/opt/screenloop/bin/screenloop \
    LIVE_VIEW=1 \
    PATH=/opt/screenloop/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

USER screenloop
WORKDIR /home/screenloop
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/start-desktop.sh", "health"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/start-desktop.sh"]
