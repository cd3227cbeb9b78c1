"""The benchmark (`make bench`): the real server in its production
configuration, driven by a load generator in another process; see
docs/performance.md."""
