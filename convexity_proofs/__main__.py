"""``python -m convexity_proofs`` is ``convexity-check``."""

from convexity_proofs.cli import main

raise SystemExit(main())
