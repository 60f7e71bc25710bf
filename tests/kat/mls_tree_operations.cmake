# verifies: REQ-MLS-200, REQ-MLS-201, REQ-MLS-202
conclave_add_kat(kat.mls.tree-operations mls/tree-operations.json)
