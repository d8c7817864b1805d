from clientsmith.cli import main

raise SystemExit(main())
