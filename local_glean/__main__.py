"""`python -m local_glean`: the same as `gleanbot local-glean`."""

from .cli import main

raise SystemExit(main())
