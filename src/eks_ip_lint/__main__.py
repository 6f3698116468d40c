from eks_ip_lint.cli import main

raise SystemExit(main())
