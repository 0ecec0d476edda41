"""``python -m geotrack.cli``."""

import sys

from geotrack.cli import main

sys.exit(main())
