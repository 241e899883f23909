"""`python -m projections_assets.cli`: the `projections` command."""

import sys

from projections_assets.cli import main

sys.exit(main())
