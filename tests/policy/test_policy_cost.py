"""Every expression of the generated policies stays under the API server's per-expression
cost limit (PerCallLimit, 1,000,000 units), by an upper bound computed from the expressions
themselves (cel_cost.py: cel-go's runtime cost model, with sizes bounded by the API's own
StorageClass validation and by the size guards the expressions carry)."""

from __future__ import annotations

import pytest

from cel_cost import PER_CALL_LIMIT, Estimator, bound_expression, variable_values
from policy_support import policy_documents

POLICIES = [d for d in policy_documents() if d["kind"] == "ValidatingAdmissionPolicy"]


def expressions():
    for policy in POLICIES:
        rules = policy["metadata"]["annotations"]["fsx-webhook/rules"].split(",")
        for rule, validation in zip(rules, policy["spec"]["validations"], strict=True):
            yield pytest.param(policy, validation["expression"], id=f"{rule}-expression")
            yield pytest.param(policy, validation["messageExpression"], id=f"{rule}-message")
        for variable in policy["spec"]["variables"]:
            yield pytest.param(policy, variable["expression"], id=f"{policy['metadata']['name']}-variable-{variable['name']}")


@pytest.mark.parametrize("policy,expression", list(expressions()))
def test_expression_cost_is_bounded_under_the_limit(policy, expression):
    bound = bound_expression(expression, variable_values(policy["spec"]["variables"]))
    assert bound < PER_CALL_LIMIT, f"cost bound {bound:,.0f} >= {PER_CALL_LIMIT:,}"


def test_the_estimate_sees_the_guards():
    """Without a guard, the same shapes are over the limit: the bound is not vacuous."""
    variables = variable_values(POLICIES[0]["spec"]["variables"])
    tags = "variables.p['extraTags']"
    duplicates = "items.all(i, size(items.filter(j, j == i)) == 1)"
    unguarded = f"[{tags}.split(',')].map(items, {duplicates})[0]"
    guarded = f"size({tags}) <= 18913 && [{tags}.split(',')].map(items, size(items) <= 49 && {duplicates})[0]"
    assert bound_expression(unguarded, variables) > PER_CALL_LIMIT
    assert bound_expression(guarded, variables) < PER_CALL_LIMIT
    # A regular expression over a parameter is charged by the parameter's size: 256 KiB at most.
    long_regex = "variables.p['subnetId'].matches('" + "a" * 400 + "')"
    assert bound_expression(long_regex, variables) > PER_CALL_LIMIT
    assert bound_expression(f"size(variables.p['subnetId']) <= 30 && {long_regex}", variables) < 10_000


def test_a_loop_over_the_parameters_is_charged_by_their_total_size():
    estimator = Estimator({})
    value = estimator.estimate("variables.p.all(k, k.startsWith('csi.storage.k8s.io/'))")
    bound = value.cost.bound(estimator.root_scope().bounds)
    # 512 steps of a few units, plus nothing per character: startsWith reads the prefix only.
    assert 512 <= bound < 10_000
    value = estimator.estimate("variables.p.all(k, k.matches('^[a-z]+$'))")
    bound = value.cost.bound(estimator.root_scope().bounds)
    # 0.1 per character of all keys and values (256 Ki) times ceil(0.25 * 8) = 2: about 52 Ki,
    # plus a few units for each of the 512 steps.
    assert 50_000 < bound < 60_000
