"""Shared mechanisms every app uses: scoping, audit, encrypted fields, numbering, deadlines,
notifications, working time. Other apps use them through the names in this package's modules."""
