"""Tests for tools/traceability/check.py.

Each test builds a small repository in a temporary folder, starting from a
tree that passes every check, breaks one thing, and looks for the failure the
checker must report. Run: python3 -m unittest tools/traceability/test_check.py
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

# Loaded by path, since tools/ is not a package. Registered in sys.modules
# first, because dataclasses look their module up while the class is built.
_SPEC = importlib.util.spec_from_file_location("traceability_check",
                                               Path(__file__).with_name("check.py"))
check = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = check
_SPEC.loader.exec_module(check)

REQUIREMENT = """
[[requirement]]
id = "{id}"
level = "{level}"
source = "RFC 9420 §2.1.2"
sf = ["SF-01"]
threats = ["T-01"]
verify = {verify}
text = "A decoder {level} reject trailing bytes."
"""

CATALOGUES = {
    "certification/security-functions.toml": """
        [[function]]
        id = "SF-01"
        name = "Robust input handling"
        description = "Decoders reject malformed input."
        status = "implemented"

        [[function]]
        id = "SF-02"
        name = "Something later"
        description = "Not built yet."
        status = "planned"
        """,
    "threat-model/threats.toml": """
        [[threat]]
        id = "T-01"
        title = "Hostile input"
        adversary = "network attacker"
        asset = "availability"
        countered_by = ["SF-01"]
        assumptions = ["A-01"]
        residual = "None."
        """,
    "threat-model/assumptions.toml": """
        [[assumption]]
        id = "A-01"
        text = "The host is maintained."
        """,
}

# The shape of `ctest --output-junit` (CMake 3.25), as observed on a throwaway
# project with a passing, a failing and a skipped test.
JUNIT_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="(empty)" tests="{n}">\n'
JUNIT_CASES = {
    "pass": '<testcase name="{name}" classname="{name}" time="0.01" status="run">'
            "<system-out></system-out></testcase>\n",
    "fail": '<testcase name="{name}" classname="{name}" time="0.01" status="fail">'
            '<failure message=""/><system-out>boom</system-out></testcase>\n',
    "skip": '<testcase name="{name}" classname="{name}" time="0" status="notrun">'
            '<skipped message="SKIP_RETURN_CODE=77"/><system-out></system-out></testcase>\n',
    "disabled": '<testcase name="{name}" classname="{name}" time="0" status="disabled">'
                "<system-out>Disabled</system-out></testcase>\n",
}


class Tree:
    """A fake repository that passes every check until a test changes it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for path, text in CATALOGUES.items():
            self.write(path, text)
        self.requirements("REQ-DEMO-001")
        self.write("src/demo/decoder.cc",
                   "// implements: REQ-DEMO-001\n"
                   "int decode() { return 0; }\n")
        self.write("tests/unit/demo/decoder_test.cc",
                   "#include <gtest/gtest.h>\n"
                   "\n"
                   "// verifies: REQ-DEMO-001\n"
                   "TEST(Decoder, RejectsTrailingBytes) {}\n")
        self.junit({"Decoder.RejectsTrailingBytes": "pass"})

    def write(self, path: str, text: str) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
        return target

    def remove(self, path: str) -> None:
        (self.root / path).unlink()

    def requirements(self, *ids: str, level: str = "MUST", verify: str = '["test"]',
                     area: str = "demo") -> None:
        self.write(f"spec/requirements/{area}.toml", "".join(
            REQUIREMENT.format(id=i, level=level, verify=verify) for i in ids))

    def junit(self, outcomes: dict[str, str]) -> None:
        self.write("junit.xml", JUNIT_HEAD.format(n=len(outcomes)) + "".join(
            JUNIT_CASES[o].format(name=n) for n, o in outcomes.items()) + "</testsuite>")

    def run(self, *extra: str, junit: bool = True) -> tuple[int, str]:
        args = ["--root", str(self.root), "--out", str(self.root / "out" / "matrix.md")]
        if junit:
            args += ["--junit", str(self.root / "junit.xml")]
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = check.main(args + list(extra))
        return rc, buf.getvalue()


class CheckerTest(unittest.TestCase):
    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.tree = Tree(Path(self._tmp.name))

    def tearDown(self) -> None:
        self._tmp.cleanup()

    def assertFails(self, output: str, *fragments: str) -> None:
        last = output.strip().splitlines()[-1]
        self.assertRegex(last, r"^traceability: \d+ passed, [1-9]\d* failed$")
        for fragment in fragments:
            self.assertIn(fragment, output)

    # -- the cases the brief asks for

    def test_clean_tree_passes(self) -> None:
        rc, out = self.tree.run()
        self.assertEqual(rc, 0, out)
        self.assertRegex(out.strip().splitlines()[-1], r"^traceability: [1-9]\d* passed, 0 failed$")
        matrix = (self.tree.root / "out" / "matrix.md").read_text()
        self.assertIn("| REQ-DEMO-001 | MUST | SF-01 | T-01 | src/demo/decoder.cc:1 | "
                      "`Decoder.RejectsTrailingBytes` (pass) | — | ok |", matrix)
        self.assertIn("note: 1 planned security function(s) without a requirement yet: SF-02", out)

    def test_matrix_threat_rows_carry_the_evidence_of_their_requirements(self) -> None:
        rc, out = self.tree.run()
        self.assertEqual(rc, 0, out)
        matrix = (self.tree.root / "out" / "matrix.md").read_text()
        self.assertIn("| T-01 | Hostile input | SF-01 | A-01 | REQ-DEMO-001 | "
                      "`Decoder.RejectsTrailingBytes` (pass) | — | None. |", matrix)

    def test_security_target_drift_fails_and_write_repairs_it(self) -> None:
        stale = """
            # Security target

            ## 8. Threats

            | Id | Threat | Countered by | Assumptions |
            |---|---|---|---|
            | T-01 | Hostile input | SF-02 | — |

            ## 9. Security functions

            | SF | Name | Status |
            |---|---|---|
            | [SF-01](#sf-01-robust-input-handling) | Robust input handling | planned |

            ### SF-01 Robust input handling

            | | |
            |---|---|
            | Status | planned |
            | Interfaces | hand-written, kept |
            | Requirements (0, 0 MUST) | none yet |
            | Tests (files with `verifies:`) | — |

            ### SF-02 Something later

            | | |
            |---|---|
            | Status | planned |
            """
        self.tree.write("certification/security-target.md", stale)
        rc, out = self.tree.run()
        self.assertEqual(rc, 1)
        self.assertFails(out, "certification/security-target.md:8: FAIL [security-target] "
                              "6 generated line(s) of the security target differ")
        rc, out = self.tree.run("--write-security-target")
        self.assertEqual(rc, 0, out)
        text = (self.tree.root / "certification/security-target.md").read_text()
        self.assertIn("| T-01 | Hostile input | SF-01 | A-01 |", text)
        self.assertIn("| [SF-01](#sf-01-robust-input-handling) | Robust input handling "
                      "| implemented |", text)
        self.assertIn("| Interfaces | hand-written, kept |", text)
        self.assertIn("| Requirements (1, 1 MUST) | REQ-DEMO-001 |", text)
        self.assertIn("| Tests (files with `verifies:`) | `tests/unit/demo` |", text)
        rc, out = self.tree.run()
        self.assertEqual(rc, 0, out)

    def test_security_target_without_a_section_for_an_sf_fails(self) -> None:
        self.tree.write("certification/security-target.md", """
            ## 8. Threats

            | T-01 | Hostile input | SF-01 | A-01 |

            ## 9. Security functions

            | [SF-01](#sf-01-robust-input-handling) | Robust input handling | implemented |
            | [SF-02](#sf-02-something-later) | Something later | planned |

            ### SF-01 Robust input handling
            """)
        rc, out = self.tree.run()
        self.assertEqual(rc, 1)
        self.assertFails(out, "FAIL [security-target] no section '### SF-02 …' in §9")

    def test_must_without_implementation_fails(self) -> None:
        self.tree.remove("src/demo/decoder.cc")
        rc, out = self.tree.run()
        self.assertEqual(rc, 1)
        self.assertFails(out, "spec/requirements/demo.toml:3: FAIL [coverage] "
                              "REQ-DEMO-001 (MUST) has no implementation")

    def test_must_whose_test_failed_fails(self) -> None:
        self.tree.junit({"Decoder.RejectsTrailingBytes": "fail"})
        rc, out = self.tree.run()
        self.assertEqual(rc, 1)
        self.assertFails(out,
                         "tests/unit/demo/decoder_test.cc:3: FAIL [test-result] test "
                         "Decoder.RejectsTrailingBytes did not pass (fail)",
                         "REQ-DEMO-001 (MUST) has no passing test")

    def test_skipped_or_missing_test_does_not_count(self) -> None:
        for outcomes, word in (({"Decoder.RejectsTrailingBytes": "skip"}, "skipped"),
                               ({"Decoder.RejectsTrailingBytes": "disabled"}, "disabled"),
                               ({"Other.Test": "pass"}, "missing")):
            with self.subTest(word):
                self.tree.junit(outcomes)
                rc, out = self.tree.run()
                self.assertEqual(rc, 1)
                self.assertFails(out, f"Decoder.RejectsTrailingBytes did not pass ({word})")

    def test_dangling_requirement_in_annotation_fails(self) -> None:
        self.tree.write("src/demo/extra.h", "struct X {};  // implements: REQ-DEMO-002\n")
        rc, out = self.tree.run()
        self.assertEqual(rc, 1)
        self.assertFails(out, "src/demo/extra.h:1: FAIL [reference] annotation names "
                              "unknown requirement REQ-DEMO-002")

    def test_duplicate_id_fails(self) -> None:
        self.tree.requirements("REQ-DEMO-001", "REQ-DEMO-001")
        rc, out = self.tree.run()
        self.assertEqual(rc, 1)
        self.assertFails(out, "spec/requirements/demo.toml:12: FAIL [unique-id] duplicate "
                              "requirement id REQ-DEMO-001",
                         "already defined at spec/requirements/demo.toml:3")

    def test_duplicate_id_across_catalogues_fails(self) -> None:
        self.tree.write("threat-model/assumptions.toml", """
            [[assumption]]
            id = "A-01"
            text = "One."

            [[assumption]]
            id = "A-01"
            text = "Two."
            """)
        rc, out = self.tree.run()
        self.assertFails(out, "[unique-id] duplicate assumption id A-01")

    def test_exception_with_empty_reason_fails(self) -> None:
        self.tree.remove("src/demo/decoder.cc")
        self.tree.write("certification/exceptions/demo.toml", """
            [[exception]]
            req = "REQ-DEMO-001"
            reason = "  "
            """)
        rc, out = self.tree.run()
        self.assertEqual(rc, 1)
        self.assertFails(out,
                         "certification/exceptions/demo.toml:3: FAIL [exception] exception "
                         "for REQ-DEMO-001 has no reason",
                         # An invalid exception is not honoured.
                         "REQ-DEMO-001 (MUST) has no implementation")

    # -- further behaviour

    def test_valid_exception_waives_only_what_it_names(self) -> None:
        self.tree.remove("src/demo/decoder.cc")
        self.tree.write("certification/exceptions/demo.toml", """
            [[exception]]
            req = "REQ-DEMO-001"
            reason = "Implemented by the next issue; the test already exists."
            waives = ["implementation"]
            """)
        rc, out = self.tree.run()
        self.assertEqual(rc, 0, out)
        matrix = (self.tree.root / "out" / "matrix.md").read_text()
        self.assertIn("excepted: Implemented by the next issue", matrix)
        self.tree.junit({})
        rc, out = self.tree.run()
        self.assertFails(out, "REQ-DEMO-001 (MUST) has no passing test")

    def test_exception_for_unknown_requirement_fails(self) -> None:
        self.tree.write("certification/exceptions/demo.toml", """
            [[exception]]
            req = "REQ-DEMO-009"
            reason = "Typo."
            """)
        rc, out = self.tree.run()
        self.assertFails(out, "exception names unknown requirement 'REQ-DEMO-009'")

    def test_structure_only_without_junit(self) -> None:
        rc, out = self.tree.run(junit=False)
        self.assertEqual(rc, 0, out)
        self.assertIn("structure only", out)

    def test_verifies_must_sit_directly_above_a_test(self) -> None:
        self.tree.write("tests/unit/demo/decoder_test.cc",
                        "// verifies: REQ-DEMO-001\n"
                        "static int helper() { return 1; }\n"
                        "TEST(Decoder, RejectsTrailingBytes) {}\n")
        rc, out = self.tree.run()
        self.assertFails(out, "tests/unit/demo/decoder_test.cc:1: FAIL [annotation]")

    def test_requirement_id_in_test_name_counts(self) -> None:
        self.tree.write("tests/unit/demo/decoder_test.cc",
                        "TEST(Decoder, REQ_DEMO_001_rejects_trailing_bytes) {}\n")
        self.tree.junit({"Decoder.REQ_DEMO_001_rejects_trailing_bytes": "pass"})
        rc, out = self.tree.run()
        self.assertEqual(rc, 0, out)

    def test_cmake_checks_and_fuzz_headers_name_ctest_tests(self) -> None:
        self.tree.write("tests/unit/demo/decoder_test.cc", "// no annotations\n")
        self.tree.write("tests/checks/CMakeLists.txt",
                        "# verifies: REQ-DEMO-001\n"
                        "# (a comment between annotation and call is fine)\n"
                        "conclave_add_check(check.demo\n"
                        "  COMMAND python3 check.py)\n")
        self.tree.write("fuzz/demo/decoder_fuzz.cc",
                        "// Targets: demo::decode   Requirements: REQ-DEMO-001\n")
        self.tree.junit({"check.demo": "pass", "fuzz.decoder": "fail"})
        rc, out = self.tree.run()
        self.assertEqual(rc, 1)
        self.assertFails(out, "fuzz/demo/decoder_fuzz.cc:1: FAIL [test-result] test "
                              "fuzz.decoder did not pass (fail)")
        matrix = (self.tree.root / "out" / "matrix.md").read_text()
        self.assertIn("`check.demo` (pass)", matrix)
        self.assertIn("| ok |", matrix)  # one passing test is enough for coverage

    def test_parameterised_tests_match_every_instance(self) -> None:
        self.tree.write("tests/unit/demo/decoder_test.cc",
                        "// verifies: REQ-DEMO-001\n"
                        "TEST_P(Decoder, RejectsTrailingBytes) {}\n")
        self.tree.junit({"Suites/Decoder.RejectsTrailingBytes/0": "pass",
                         "Suites/Decoder.RejectsTrailingBytes/1": "pass"})
        self.assertEqual(self.tree.run()[0], 0)
        self.tree.junit({"Suites/Decoder.RejectsTrailingBytes/0": "pass",
                         "Suites/Decoder.RejectsTrailingBytes/1": "fail"})
        self.assertEqual(self.tree.run()[0], 1)

    def test_ranges_and_malformed_ids(self) -> None:
        self.tree.requirements("REQ-DEMO-001", "REQ-DEMO-002", "REQ-DEMO-003")
        self.tree.write("src/demo/decoder.cc",
                        "// implements: REQ-DEMO-001..003 -- the whole decoder\n")
        self.tree.write("tests/unit/demo/decoder_test.cc",
                        "// verifies: REQ-DEMO-001, REQ-DEMO-002,\n"
                        "//           REQ-DEMO-003\n"
                        "TEST(Decoder, RejectsTrailingBytes) {}\n")
        rc, out = self.tree.run()
        self.assertEqual(rc, 0, out)
        self.tree.write("src/demo/more.cc", "// implements: REQ-DEMO-1\n")
        rc, out = self.tree.run()
        self.assertFails(out, "src/demo/more.cc:1: FAIL [id-format] malformed requirement "
                              "id 'REQ-DEMO-1'")

    def test_proof_evidence_needs_a_passing_result(self) -> None:
        self.tree.requirements("REQ-DEMO-001", verify='["test", "proof"]')
        self.tree.write("proofs/lobby/lobby.pml",
                        "/* verifies: REQ-DEMO-001 PROP-01 -- nothing before admission */\n")
        self.tree.write("proofs/lobby/mutants/no_guard.pml",
                        "/* verifies: REQ-DEMO-001 */\n")
        rc, out = self.tree.run()
        self.assertFails(out, "REQ-DEMO-001 (MUST) has no passing proof",
                         "no --proof-results given")
        results = self.tree.write("proofs.json", '{"lobby": "pass"}')
        rc, out = self.tree.run("--proof-results", str(results))
        self.assertEqual(rc, 0, out)
        self.tree.write("proofs.json", '{"lobby": "fail"}')
        rc, out = self.tree.run("--proof-results", str(results))
        self.assertFails(out, "[proof-result] proof model lobby failed")

    def test_proof_verdict_from_the_model_ctest(self) -> None:
        self.tree.requirements("REQ-DEMO-001", verify='["test", "proof"]')
        self.tree.write("proofs/lobby/model.pml",
                        "/* verifies: REQ-DEMO-001 PROP-01 -- nothing before admission */\n")
        self.tree.junit({"Decoder.RejectsTrailingBytes": "pass", "proof.lobby": "pass",
                         "proof.lobby.mutant.no_guard": "fail"})
        rc, out = self.tree.run()
        self.assertEqual(rc, 0, out)
        self.tree.junit({"Decoder.RejectsTrailingBytes": "pass", "proof.lobby": "fail"})
        rc, out = self.tree.run()
        self.assertFails(out, "[proof-result] proof model lobby failed")
        # An explicit failing verdict is not overridden by a passing test.
        self.tree.junit({"Decoder.RejectsTrailingBytes": "pass", "proof.lobby": "pass"})
        results = self.tree.write("proofs.json", '{"lobby": "fail"}')
        rc, out = self.tree.run("--proof-results", str(results))
        self.assertFails(out, "[proof-result] proof model lobby failed")

    def test_review_needs_an_existing_record(self) -> None:
        self.tree.requirements("REQ-DEMO-001", verify='["test", "review"]')
        rc, out = self.tree.run()
        self.assertFails(out, "REQ-DEMO-001 (MUST) has no review record")
        path = self.tree.root / "spec/requirements/demo.toml"
        path.write_text(path.read_text() + 'reviewed_in = "docs/reviews.md#decoder-review"\n')
        self.tree.write("docs/reviews.md", "# Reviews\n\n## Decoder review\n\nDone.\n")
        rc, out = self.tree.run()
        self.assertEqual(rc, 0, out)

    def test_should_without_implementation_only_warns(self) -> None:
        self.tree.requirements("REQ-DEMO-001")
        path = self.tree.write("spec/requirements/extra.toml",
                               REQUIREMENT.format(id="REQ-EXTRA-001", level="SHOULD",
                                                  verify='["test"]'))
        rc, out = self.tree.run()
        self.assertEqual(rc, 0, out)
        self.assertIn("WARN REQ-EXTRA-001 (SHOULD) has no implementation", out)
        del path

    def test_threat_and_security_function_rules(self) -> None:
        self.tree.write("threat-model/threats.toml", CATALOGUES["threat-model/threats.toml"] + """
            [[threat]]
            id = "T-02"
            title = "Nobody counters this"
            adversary = "network attacker"
            asset = "availability"
            countered_by = []
            assumptions = []
            residual = "All of it."
            """)
        self.tree.write("certification/security-functions.toml",
                        CATALOGUES["certification/security-functions.toml"] + """
            [[function]]
            id = "SF-03"
            name = "Claimed but unspecified"
            description = "No requirement names it."
            status = "implemented"
            """)
        rc, out = self.tree.run()
        self.assertFails(out, "[threat-countered] T-02 is countered by nothing",
                         "[sf-covered] SF-03 (Claimed but unspecified) is implemented")

    def test_unknown_references_in_catalogues_fail(self) -> None:
        self.tree.write("threat-model/threats.toml",
                        CATALOGUES["threat-model/threats.toml"].replace('"A-01"', '"A-07"'))
        text = REQUIREMENT.format(id="REQ-DEMO-001", level="MUST", verify='["test"]')
        self.tree.write("spec/requirements/demo.toml", text.replace(
            'sf = ["SF-01"]', 'sf = ["SF-01", "SF-09"]').replace(
            'source = "RFC 9420 §2.1.2"', 'source = "spec/02-wire.md#varints"'))
        rc, out = self.tree.run()
        self.assertFails(out, "REQ-DEMO-001 names unknown security function SF-09",
                         "T-01 names unknown assumption A-07",
                         "spec/02-wire.md does not exist")

    def test_schema_errors_are_reported_with_a_line(self) -> None:
        self.tree.write("spec/requirements/demo.toml", """
            [[requirement]]
            id = "REQ-DEMO-001"
            level = "MUST"
            source = "RFC 9420"
            sf = ["SF-01"]
            threats = ["T-01"]
            verfiy = ["test"]
            text = "It MUST work."
            """)
        rc, out = self.tree.run()
        self.assertFails(out, "spec/requirements/demo.toml:3: FAIL [schema] requirement "
                              "REQ-DEMO-001: missing key 'verify'; unknown key 'verfiy'")
        self.tree.write("spec/requirements/demo.toml", "[[requirement]\nid = 1\n")
        rc, out = self.tree.run()
        self.assertFails(out, "FAIL [parse] spec/requirements/demo.toml is not valid TOML")

    def test_junit_reader_understands_ctest_statuses(self) -> None:
        self.tree.junit({"a.pass": "pass", "b.fail": "fail", "c.skip": "skip",
                         "d.off": "disabled"})
        report = check.Report()
        outcomes = check.read_junit([str(self.tree.root / "junit.xml")], report)
        self.assertEqual(outcomes, {"a.pass": "pass", "b.fail": "fail", "c.skip": "skipped",
                                    "d.off": "disabled"})

    def test_junit_files_merge_across_configurations(self) -> None:
        # A test skipped in one configuration and passed in another passed;
        # a failure in any configuration fails it.
        first = self.tree.root / "junit.xml"
        self.tree.junit({"a": "skip", "b": "pass", "c": "pass"})
        second = self.tree.write("junit2.xml", first.read_text()
                                 .replace('"a" classname="a" time="0" status="notrun">'
                                          '<skipped message="SKIP_RETURN_CODE=77"/>',
                                          '"a" classname="a" time="0" status="run">')
                                 .replace('"b" classname="b" time="0.01" status="run">',
                                          '"b" classname="b" time="0.01" status="fail">'
                                          '<failure message=""/>'))
        outcomes = check.read_junit([str(first), str(second)], check.Report())
        self.assertEqual(outcomes, {"a": "pass", "b": "fail", "c": "pass"})


if __name__ == "__main__":
    unittest.main()
