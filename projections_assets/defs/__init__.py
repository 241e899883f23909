"""Dagster wiring only: assets, checks, resources, sensors and schedules around the pure layers."""
