"""Hands `python3 main.py <args…>`, the FLOps manager's command, to the builder's CLI with the arguments unchanged.

Oakestra runs the SLA's cmd in the image's WORKDIR in place of the ENTRYPOINT. exec keeps this process, so the
exit code, the output and the signals (SIGTERM's clean-up) are the CLI's own.
"""

import os
import sys

CLI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "flops-image-builder")

if __name__ == "__main__":
    os.execv(CLI, [CLI, *sys.argv[1:]])
