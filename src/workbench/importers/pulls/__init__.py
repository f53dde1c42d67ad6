"""Live pulls from Salesforce and HubSpot (see docs/pulls.md).

The GUI and the command line use ``operations`` (the pulls) and ``credentials`` (the
connections and their secrets in the OS keyring).
"""
