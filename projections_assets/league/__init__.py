"""The simulated NBA: a seeded league with its news, market, box scores and oracle.

Public entry points (imported lazily by callers to keep `import` cheap):

- `generate.generate_league(seed, seasons=None, params=None)` -> `League` (tables + knowledge)
- `generate.write_league(league, out_dir)` -> parquet files, one per table (`generate.TABLES`)
- `reports.InjuryReports(league.tables).rows(report_ts)` and `reports.report_times(first, last)`
- `oracle.oracle_table(league, ...)` and `oracle.oracle_at(league, as_of)`
- `params.LeagueParams`: the knobs
"""
