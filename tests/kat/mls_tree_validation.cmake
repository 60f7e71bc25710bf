# verifies: REQ-MLS-200, REQ-MLS-202, REQ-MLS-203, REQ-MLS-204, REQ-MLS-205
conclave_add_kat(kat.mls.tree-validation mls/tree-validation.json)
