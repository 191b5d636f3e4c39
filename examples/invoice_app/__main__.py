"""Serve the invoice app by hand: ``python -m examples.invoice_app --variant moved --port 8080``."""

import argparse
import time

from .app import VARIANTS, AppServer

parser = argparse.ArgumentParser(description="The screenloop demo's invoice app.")
parser.add_argument("--variant", choices=VARIANTS, default="standard")
parser.add_argument("--port", type=int, default=8080)
args = parser.parse_args()
server = AppServer(args.variant, port=args.port)
print(f"invoice app ({args.variant}) on {server.url}; Ctrl-C stops it")
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    server.stop()
