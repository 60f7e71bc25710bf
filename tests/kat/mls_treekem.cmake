# verifies: REQ-MLS-206, REQ-MLS-210, REQ-MLS-212, REQ-MLS-213
conclave_add_kat(kat.mls.treekem mls/treekem.json)
