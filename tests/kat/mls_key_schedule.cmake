# verifies: REQ-MLS-108, REQ-MLS-109, REQ-MLS-110, REQ-MLS-111
conclave_add_kat(kat.mls.key-schedule mls/key-schedule.json)
