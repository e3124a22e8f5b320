"""``python -m smi_care`` runs the command line."""

import sys

from smi_care.cli.main import main

sys.exit(main())
