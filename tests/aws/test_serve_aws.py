"""`fsx-webhook serve` with an `aws:` section, over real TLS, against moto_server (directly or
through the fault proxy): each aws- rule allowed and denied, the zone of a Job from its file
system, readiness waiting for the configured volumes' facts, AWS stopped mid-test, and
throttled, failing and slow answers within the lookup budget."""
import pytest

from conftest import (JOB, FaultProxy, Moto, Server, config, patch_of, rules, seed, storage_class)

pytest.importorskip("boto3")

# What a review may take beyond the lookup budget: TLS, the decision, a loaded CI machine.
MARGIN = 0.4


@pytest.fixture(scope="module")
def moto():
    server = Moto()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def net(moto):
    return seed(moto)


@pytest.fixture(scope="module")
def served(certs, tmp_path_factory, moto, net):
    server = Server(certs, tmp_path_factory.mktemp("served"), config(moto.url, file_system=net["fs"]))
    yield server
    server.stop()


@pytest.mark.parametrize("subnet, groups, efa, allowed, expected", [
    ("subnet", "self", False, True, set()),
    ("subnet", "cidr", False, True, set()),
    ("subnet", "self,cidr", False, True, set()),
    ("unknown-subnet", "self", False, False, {"aws-subnet-unknown"}),
    ("subnet", "unknown-sg", False, False, {"aws-sg-unknown"}),
    ("subnet", "other_vpc", False, False, {"aws-sg-unknown"}),
    ("subnet", "closed", False, False, {"aws-sg-lustre-988", "aws-sg-lustre-1018"}),
    ("subnet", "only988", False, True, {"aws-sg-lustre-1018"}),
    ("subnet", "efa", True, True, set()),
    ("subnet", "self", True, False, {"aws-sg-efa"}),
])
def test_each_rule_through_serve(served, net, subnet, groups, efa, allowed, expected):
    ids = {"unknown-subnet": "subnet-0123456789abcdef0", "unknown-sg": "sg-0123456789abcdef0"}
    subnet_id = ids.get(subnet) or net[subnet]
    group_ids = ",".join(ids.get(g) or net[g] for g in groups.split(","))
    response, _ = served.review(storage_class(subnet_id, group_ids, efa=efa))
    assert response["allowed"] is allowed, response
    assert rules(response) == expected, response


def test_zone_of_a_job_from_the_warm_cache(served, net):
    """Readiness waited for the configured file system: the first Job is placed from the cache."""
    assert served.metric('fsx_webhook_aws_requests_total{service="fsx",outcome="ok"}') >= 1
    before = served.metric('fsx_webhook_aws_lookups_total{result="fetched"}')
    response, _ = served.review(JOB)
    assert response["allowed"] is True
    affinity = [op for op in patch_of(response) if "affinity" in op["path"]]
    assert "us-west-2b" in str(affinity), response
    assert served.metric('fsx_webhook_aws_lookups_total{result="fetched"}') == before
    assert served.metric('fsx_webhook_aws_lookups_total{result="cached"}') >= 1
    assert served.metric("fsx_webhook_aws_cache_entries") >= 3
    assert "credentials" in served.logs() and "environment" in served.logs()


def test_aws_stopped_mid_test(certs, tmp_path):
    moto = Moto()
    net = seed(moto)
    server = Server(certs, tmp_path, config(moto.url, budget="500ms", file_system=net["fs"]))
    try:
        known = storage_class(net["subnet"], net["closed"])
        before, _ = server.review(known)
        job_before, _ = server.review(JOB)
        assert rules(before) == {"aws-sg-lustre-988", "aws-sg-lustre-1018"}
        moto.stop()
        # Cached answers unchanged.
        after, _ = server.review(known)
        assert after == before, (before, after)
        job_after, _ = server.review(JOB)
        assert job_after == job_before and "us-west-2b" in str(patch_of(job_after))
        # Never seen: unverified, answered within the budget.
        cold, seconds = server.review(storage_class(net["subnet"], "sg-0fedcba987654321f"))
        assert cold["allowed"] is True and rules(cold) == {"aws-unverified"}, cold
        assert "not verified against AWS" in str(cold["warnings"]) and "unreachable" in str(cold["warnings"])
        assert seconds < 0.5 + MARGIN, seconds
        assert server.metric('fsx_webhook_aws_requests_total{service="ec2",outcome="unreachable"}') >= 1
        assert server.metric('fsx_webhook_aws_lookups_total{result="unverified"}') == 1
    finally:
        server.stop()
        moto.stop()


def test_readiness_is_bounded_and_unknown_zone_denied_when_aws_is_down(certs, tmp_path):
    down = "http://127.0.0.1:9"  # the discard port: nothing listens there
    server = Server(certs, tmp_path, config(down, budget="500ms", file_system="fs-0123456789abcdef0"),
                    wait_ready=False)
    try:
        seen = set()
        while not any("loading the AWS facts" in text for text in seen) and server.proc.poll() is None:
            status, text = server.readyz()
            assert status != 200, "ready before the facts of the configured volumes were asked for"
            seen.add(text)
        took = server.wait_ready(timeout=30)
        # Ten lookup budgets, at least 5 s.
        assert 4.5 < took < 15, took
        response, seconds = server.review(JOB)
        assert response["allowed"] is False and "aws-zone-unknown" in rules(response), response
        assert seconds < 0.5 + MARGIN, seconds
    finally:
        server.stop()


@pytest.fixture(scope="module")
def proxied(certs, tmp_path_factory, moto, net):
    proxy = FaultProxy(moto.url.removeprefix("http://"))
    server = Server(certs, tmp_path_factory.mktemp("proxied"), config(proxy.url, budget="1s"))
    yield proxy, server
    server.stop()
    proxy.close()


FRESH = iter(f"sg-0{n:016x}" for n in range(1, 100))


@pytest.mark.parametrize("fault", ["throttle", "unavailable"])
def test_throttled_and_failing_answers_are_retried_within_the_budget(proxied, moto, net, fault):
    proxy, server = proxied
    # A new group each time, so the cache does not answer.
    group = moto.client("ec2").create_security_group(
        GroupName=f"g-{fault}", Description="x", VpcId=net["vpc"])["GroupId"]
    proxy.reset(plan=[fault, fault])
    response, seconds = server.review(storage_class(net["subnet"], group))
    # The group is closed: judged (denied on 988), not unverified, after the retries.
    assert rules(response) == {"aws-sg-lustre-988", "aws-sg-lustre-1018"}, response
    assert proxy.count(fault) == 2 and proxy.count("pass") >= 1
    assert seconds < 1 + MARGIN, seconds
    outcome = "throttled" if fault == "throttle" else "server-error"
    assert server.metric(f'fsx_webhook_aws_requests_total{{service="ec2",outcome="{outcome}"}}') >= 2


def test_throttled_throughout_gives_unverified_within_the_budget(proxied, net):
    proxy, server = proxied
    proxy.reset(default="throttle")
    response, seconds = server.review(storage_class(net["subnet"], next(FRESH)))
    assert rules(response) == {"aws-unverified"} and "throttled" in str(response["warnings"]), response
    assert proxy.count("throttle") >= 3, proxy.requests  # retried, with backoff, until the budget ran out
    assert seconds < 1 + MARGIN, seconds


def test_slow_answers_within_and_past_the_budget(proxied, moto, net):
    proxy, server = proxied
    group = moto.client("ec2").create_security_group(GroupName="slow", Description="x", VpcId=net["vpc"])["GroupId"]
    proxy.reset(default="slow:0.3")
    response, seconds = server.review(storage_class(net["subnet"], group))
    assert rules(response) == {"aws-sg-lustre-988", "aws-sg-lustre-1018"}, response
    assert 0.3 <= seconds < 1 + MARGIN, seconds
    proxy.reset(default="slow:3")
    response, seconds = server.review(storage_class(net["subnet"], next(FRESH)))
    assert rules(response) == {"aws-unverified"}, response
    assert proxy.count() >= 1
    assert seconds < 1 + MARGIN, seconds


def test_sigterm_during_the_warm_up_exits_at_once(certs, tmp_path):
    """An AWS that does not answer at start must not hold a rollout's SIGTERM for the warm-up."""
    import time
    server = Server(certs, tmp_path, config("http://127.0.0.1:9", budget="3s", file_system="fs-0123456789abcdef0"),
                    wait_ready=False)
    try:
        while "loading the AWS facts" not in server.readyz()[1]:
            assert server.proc.poll() is None, server.logs()
            time.sleep(0.05)
        started = time.monotonic()
        server.proc.terminate()
        assert server.proc.wait(timeout=10) == 0, server.logs()
        assert time.monotonic() - started < 2, time.monotonic() - started
    finally:
        server.stop()
