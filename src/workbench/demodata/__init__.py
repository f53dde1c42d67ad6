"""Generators for the demo engagement "Northwind Robotics" (called by ``workbench.demo``).

One module per part of the data: the sales org, accounts and contacts, deals
(opportunities, history, contact roles, activities), meetings, transcripts,
forecasts and platform usage. Each draws from its own seeded random stream, so
the same seed always produces byte-identical tables.
"""
