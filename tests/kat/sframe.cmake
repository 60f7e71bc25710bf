# SFrame known-answer tests (RFC 9605 Appendix C). Included from
# tests/kat/CMakeLists.txt, which globs *.cmake; the runner links
# conclave_sframe for the sframe module.
target_link_libraries(conclave-vectors PRIVATE conclave_sframe)

# verifies: REQ-SFRAME-001, REQ-SFRAME-002, REQ-SFRAME-003, REQ-SFRAME-004, REQ-CRYPTO-012
conclave_add_kat(kat.sframe sframe/test-vectors.json)
