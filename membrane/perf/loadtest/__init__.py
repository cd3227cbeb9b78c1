"""The load test (locust) and the vote peak of issue 8 (docs/deploy.md)."""
