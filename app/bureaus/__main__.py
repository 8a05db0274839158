import sys

from app.bureaus.cli import main

sys.exit(main())
