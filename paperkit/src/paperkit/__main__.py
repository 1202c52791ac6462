"""``python -m paperkit new FOLDER --languages en,de`` (the ``paperkit`` command)."""

import sys

from paperkit.new import main

sys.exit(main())
