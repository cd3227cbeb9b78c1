"""A realistic party, generated deterministically from a seed (issue 8).

One module per domain writes its tables: `people` (territory, people and
their animator roles), `groups` (groups and memberships), `conversations`
(threads and posts), `reactions`, `ideas` (boxes, ideas, steps, supports,
answers), `events` (events and RSVPs) and `moderation` (reports, decisions,
appeals, audit). `run.generate` runs them in that order; `writer` streams the
rows into the database (COPY on PostgreSQL, batched INSERT on SQLite) with ids
set here, so children reference parents without reading them back.
"""
