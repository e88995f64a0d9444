"""Where the processes the suite starts (the portal, queue consumers, the scheduler) write their
logs, for a person to read after a run: the stack's log folder (``PM25_LOGS``, which dev/env.sh
exports), so that two runs on two stacks (CI runs both CKAN versions at once) never share one."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def logs_folder() -> Path:
    folder = Path(os.environ.get("PM25_LOGS") or ROOT / ".stack" / "logs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
