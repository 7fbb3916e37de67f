"""Exchange packets between air-gapped machines: the packet file, change capture without
triggers, merging by version vectors, and the audit chains of other stores (issue 9)."""
