"""The application: the ``screenloop`` command and what sits between it and the library.

- the command, its options and exit codes (and the only signal handlers): ``cli.py``
- from options to a finished run (``RunOptions``, ``run_task``): ``runner.py``
- opening the environment a run asks for (browser, desktop with an app, sandbox): ``launch.py``
- ``screenloop demo`` (the invoice app, replayed with no model): ``demo.py``
- ``screenloop selfcheck``: ``selfcheck.py``

Nothing is imported here: the library never needs the application.
"""
