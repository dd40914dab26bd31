"""Unit tests run against this source tree (python/vinet); the native core comes
from the installed package's copy, $VINET_NATIVE, or build/release."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
