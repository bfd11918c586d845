#!/usr/bin/env python
from hragency.manage import main

if __name__ == "__main__":
    main()
