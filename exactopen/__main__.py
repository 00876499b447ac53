from exactopen.cli import main

raise SystemExit(main())
