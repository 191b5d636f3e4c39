"""A small back-office web app for the demo and the workflow tests: log in, create an invoice.

Served on loopback by the demo itself (``serve_app``), or by hand::

    python -m examples.invoice_app --variant standard --port 8080

Variants of the same app test a replay's robustness: ``moved`` puts the "Save invoice" button
somewhere else; ``renamed`` calls it "Create invoice". ``GET /api/invoices`` tells what was saved.
"""

from .app import DEMO_PASSWORD, DEMO_USER, VARIANTS, AppServer, serve_app

__all__ = ["AppServer", "DEMO_PASSWORD", "DEMO_USER", "VARIANTS", "serve_app"]
