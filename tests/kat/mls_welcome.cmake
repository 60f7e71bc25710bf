# verifies: REQ-MLS-409, REQ-MLS-410, REQ-MLS-411
conclave_add_kat(kat.mls.welcome mls/welcome.json)
