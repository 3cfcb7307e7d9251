"""`config.aws` and the IRSA role: the chart renders the `aws:` section verbatim into the
configuration file, annotates the ServiceAccount for IRSA, and its schema refuses what the
binary would refuse, naming the field."""

from __future__ import annotations

import helm_python as helm
import pytest
import yaml

from conftest import AWS_VALUES, BUILD, CHART, SCHEMA_MESSAGES, Release, all_releases

RELEASES = all_releases()
ROLE = "arn:aws:iam::123456789012:role/fsx-webhook"


def test_irsa_role_is_the_service_account_annotation():
    rel = RELEASES["aws"]
    sa = rel.one("ServiceAccount")
    assert sa["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": ROLE}
    # IRSA and Pod Identity project their own token; the API token stays unmounted.
    assert sa["automountServiceAccountToken"] is False and rel.pod["automountServiceAccountToken"] is False
    assert rel.pod["serviceAccountName"] == sa["metadata"]["name"]


def test_role_annotation_keeps_the_other_annotations():
    rel = Release({"serviceAccount": {"awsRoleArn": ROLE, "annotations": {"team": "ml-platform"}}}, "fsx", "fsx-system")
    assert rel.one("ServiceAccount")["metadata"]["annotations"] == {
        "eks.amazonaws.com/role-arn": ROLE, "team": "ml-platform"}


def test_without_a_role_there_is_no_annotation():
    assert "annotations" not in RELEASES["helm"].one("ServiceAccount")["metadata"]


def test_role_without_a_created_service_account_is_refused():
    with helm.Chart.load(CHART) as chart:
        with pytest.raises(helm.HelmRenderError) as caught:
            chart.render({"serviceAccount": {"create": False, "awsRoleArn": ROLE}}, name="fsx", namespace="fsx-system")
    print(f"\n{caught.value}")
    assert "serviceAccount.awsRoleArn needs serviceAccount.create=true" in str(caught.value)


def test_aws_config_renders_verbatim():
    rel = RELEASES["aws"]
    text = rel.one("ConfigMap")["data"]["config.yaml"]
    assert yaml.safe_load(text) == AWS_VALUES["config"]
    # .ci/run hands this file to `fsx-webhook check --config` (the binary must accept it).
    BUILD.mkdir(exist_ok=True)
    (BUILD / "rendered-aws-config.yaml").write_text(text)


@pytest.mark.parametrize("aws", [None, {}, {"endpointURL": "https://vpce-0123.ec2.us-west-2.vpce.amazonaws.com"},
                                 {"region": "eu-central-1", "cacheTTL": "1h30m", "lookupBudget": "2s"}])
def test_good_aws_sections_are_accepted(aws):
    with helm.Chart.load(CHART) as chart:
        chart.validate_schema({"config": {"aws": aws}})


BAD = [
    ("unknown aws key", {"config": {"aws": {"regoin": "us-west-2"}}}, ["/config/aws", "regoin"]),
    ("region that is not one", {"config": {"aws": {"region": "Oregon"}}}, ["/config/aws/region", "pattern"]),
    ("budget without a unit", {"config": {"aws": {"lookupBudget": "500"}}}, ["/config/aws/lookupBudget", "pattern"]),
    ("ttl as a number", {"config": {"aws": {"cacheTTL": 600}}}, ["/config/aws/cacheTTL", "string"]),
    ("endpoint that is not a URL", {"config": {"aws": {"endpointURL": "ec2.local"}}}, ["/config/aws/endpointURL"]),
    ("file system ID that is not one", {"config": {"volumes": {"d": {"claimName": "d", "mountPath": "/d",
                                                                     "fileSystemId": "fs-XYZ"}}}},
     ["/config/volumes/d/fileSystemId", "pattern"]),
    ("file system ID and a zone", {"config": {"volumes": {"d": {"claimName": "d", "mountPath": "/d", "zone": "us-west-2a",
                                                                "fileSystemId": "fs-0123456789abcdef0"}}}},
     ["/config/volumes/d/zone"]),
    ("role ARN that is not one", {"serviceAccount": {"awsRoleArn": "fsx-webhook"}},
     ["/serviceAccount/awsRoleArn", "pattern"]),
]


@pytest.mark.parametrize("case,values,fragments", BAD, ids=[c[0] for c in BAD])
def test_bad_aws_values_are_rejected_with_a_clear_message(case, values, fragments):
    with helm.Chart.load(CHART) as chart:
        with pytest.raises(helm.HelmValuesError) as caught:
            chart.validate_schema(values)
    message = str(caught.value)
    print(f"\n{case}: {values}\n  -> {message.strip()}")
    SCHEMA_MESSAGES.append((f"{case}", message))
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from: {message}"
