# verifies: REQ-MLS-401, REQ-MLS-402, REQ-MLS-403, REQ-MLS-404, REQ-MLS-405, REQ-MLS-406, REQ-MLS-408
conclave_add_kat(kat.mls.message-protection mls/message-protection.json)
