"""The inbox's pages for staff, one module per sub-domain (imports, ...)."""
