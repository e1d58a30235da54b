"""
The managers' dashboards: are we answering in time, where, for whom and how fast.

`metrics` defines every figure (pure); `rollups` computes the daily rollups from the
posts (services: they write); `selectors` reads a period's figures from the rollups
for closed days and from the posts for today; `tasks` keeps the rollups fresh.
"""
