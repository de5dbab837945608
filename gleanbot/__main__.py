"""`python -m gleanbot` is `gleanbot`."""

from gleanbot.cli import main

raise SystemExit(main())
