"""`python -m graph` is `ssbtek-graphql serve`."""

import sys

from graph.cli import main

sys.exit(main(sys.argv[1:] or ["serve"], own_process=True))
