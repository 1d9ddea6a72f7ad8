"""How the FLOps manager starts the learner: `python main.py <args…>` in this folder, the image's WORKDIR.

It runs FLOps' learner, never the repo's own main.py: that stays importable as
`main` for the repo's code. See flops_learner.args for the arguments.
"""

import os
import sys

from flops_common.entry import enter_repo, exit_process
from flops_learner.__main__ import main

if __name__ == "__main__":
    enter_repo(os.path.dirname(os.path.abspath(__file__)), os.environ.get("FLOPS_REPO_DIR", "/app"))
    exit_process(main(sys.argv[1:]))
