# verifies: REQ-MLS-307, REQ-MLS-304, REQ-MLS-305
conclave_add_kat(kat.mls.passive-client-welcome mls/passive-client-welcome.json)
# verifies: REQ-MLS-303, REQ-MLS-304, REQ-MLS-305
conclave_add_kat(kat.mls.passive-client-handling-commit mls/passive-client-handling-commit.json)
# verifies: REQ-MLS-303, REQ-MLS-304, REQ-MLS-305
conclave_add_kat(kat.mls.passive-client-random mls/passive-client-random.json)
