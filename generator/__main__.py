"""`python -m generator` is `v6r-codegen`."""

import sys

from generator.cli import main

sys.exit(main())
