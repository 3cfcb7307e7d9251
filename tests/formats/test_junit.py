"""`check -o junit` and `test -o junit`, read by junitparser (an independent JUnit reader)."""

import pytest
from junitparser import Failure, JUnitXml

from formats_support import ROOT, run


def parse(text, tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(text)
    return JUnitXml.fromfile(str(path))


def cases(xml):
    return {suite.name: {case.name: case for case in suite} for suite in xml}


def test_check_one_suite_per_file_one_case_per_object(tmp_path):
    result = run("check", "-o", "junit", "--config", "examples/config.yaml", "examples/broken", "examples/manifests")
    assert result.returncode == 1, result.stderr
    suites = cases(parse(result.stdout, tmp_path))
    assert "examples/broken/storageclass-mistakes.yaml" in suites
    mistakes = suites["examples/broken/storageclass-mistakes.yaml"]
    assert set(mistakes) == {
        "StorageClass fsx-two-subnets",
        "StorageClass fsx-scratch-throughput",
        "StorageClass fsx-typo",
        "StorageClass fsx-hdd-persistent2",
        "StorageClass fsx-spaced-security-groups",
    }
    denied = mistakes["StorageClass fsx-two-subnets"]
    failures = [r for r in denied.result if isinstance(r, Failure)]
    assert len(failures) == 1 and "subnet-format" in failures[0].text
    # Warnings are output, not failures, without --strict.
    typo = mistakes["StorageClass fsx-typo"]
    assert typo.is_passed and "unknown-parameter" in typo.system_out
    jobs = suites["examples/manifests/training-job.yaml"]
    assert list(jobs) == ["Job ml-training/training-job"] and jobs["Job ml-training/training-job"].is_passed


def test_strict_turns_warnings_into_failures(tmp_path):
    result = run("check", "-o", "junit", "--strict", "examples/manifests/storageclass-scratch2-s3.yaml")
    assert result.returncode == 1
    xml = parse(result.stdout, tmp_path)
    xml.update_statistics()
    assert xml.failures == 1 and xml.tests == 2
    case = cases(xml)["examples/manifests/storageclass-scratch2-s3.yaml"]["StorageClass fsx-lustre-s3"]
    assert not case.is_passed and "lustre-version-default" in case.result[0].text


def test_hostile_names_stay_well_formed(tmp_path):
    (tmp_path / "odd.yaml").write_text(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\n"
        'metadata: {name: "a<b>&\\"c\\u0001"}\nprovisioner: fsx.csi.aws.com\n'
        'parameters: {subnetId: "subnet-0123456789abcdef0", "x\\u0002<y": "]]>"}\n'
    )
    result = run("check", "-o", "junit", "odd.yaml", cwd=tmp_path)
    xml = parse(result.stdout, tmp_path)
    (name,) = cases(xml)["odd.yaml"]
    assert name.startswith('StorageClass a<b>&"c')


def test_test_command_junit_has_a_case_per_expectation(tmp_path):
    result = run("test", "-o", "junit", "examples/tests")
    assert result.returncode == 0, result.stderr
    xml = parse(result.stdout, tmp_path)
    xml.update_statistics()
    assert xml.tests == 7 and xml.failures == 0
    assert "Job ml-training/training-job" in cases(xml)["examples"]
