# verifies: REQ-MLS-113
conclave_add_kat(kat.mls.psk-secret mls/psk_secret.json)
