"""`python -m bot` is `gleanbot`."""

from bot.cli import main

raise SystemExit(main())
