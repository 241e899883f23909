"""Domain logic, no Dagster: bronze rows, as-of snapshots, identity, labels, features, the minutes model."""
