# verifies: REQ-MLS-101, REQ-MLS-102, REQ-MLS-103, REQ-MLS-107
conclave_add_kat(kat.mls.secret-tree mls/secret-tree.json)
