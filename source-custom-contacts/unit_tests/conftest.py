import sys
from pathlib import Path

# Tests import their builders as `unit_tests.integration...` from the connector's folder.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
