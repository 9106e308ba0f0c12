"""``python -m headerlens``: same as the ``headerlens`` command."""

from headerlens.cli import main

raise SystemExit(main())
