"""The `make demo` pipeline (grows with the system)."""

import subprocess
import sys

sys.exit(subprocess.call([sys.executable, "-m", "stratoflight.cli", "--help"]))
