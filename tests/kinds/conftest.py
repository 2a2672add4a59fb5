from __future__ import annotations

import os
import sys
from pathlib import Path

if os.environ.get("LEADERDECK_FAKE_KIND") == "1":  # before anything imports leaderdeck.model
    sys.path.insert(0, str(Path(__file__).parent))
    from fake_kind import KIND

    from leaderdeck.kinds import register

    register(KIND)
