#!/usr/bin/env bash
# The main job: a local network and an inference in each mode (grows with each capability).
set -euo pipefail
echo "demo: not yet wired"
