# Run the portal: python -m sp4n_portal --db sqlite:///portal.db --port 8000
from sp4n_portal import main

main()  # exits 0 after a clean stop, 2 with one line on stderr
