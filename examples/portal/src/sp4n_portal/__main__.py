# Run the portal: python -m sp4n_portal --db sqlite:///portal.db --port 8000
from sp4n_portal import main

raise SystemExit(main())
