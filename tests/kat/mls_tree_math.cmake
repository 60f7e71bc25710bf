# verifies: REQ-MLS-100
conclave_add_kat(kat.mls.tree-math mls/tree-math.json)
