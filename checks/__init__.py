"""headerlens.checks package."""
