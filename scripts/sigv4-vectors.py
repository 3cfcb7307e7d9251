#!/usr/bin/env python3
"""SigV4 test vectors from botocore's own signer, for the Swift signer's tests.

Each case is a request (method, URL parts, query, headers, body), credentials, region,
service and time; botocore's SigV4Auth signs it and the Authorization header it computes
is recorded. Tests/FSXAWSTests/Fixtures/sigv4-botocore.json is this script's output:

    python3 scripts/sigv4-vectors.py > Tests/FSXAWSTests/Fixtures/sigv4-botocore.json

tests/aws/test_sigv4_vectors.py runs it again with the pinned botocore and compares, so the
committed file always agrees with botocore.
"""
import base64
import datetime
import json
import sys
from unittest import mock

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

KEY = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCXVzLXdlc3QtMiJHMEUCIQD+example=="
FORM = "application/x-www-form-urlencoded; charset=utf-8"
JSON11 = "application/x-amz-json-1.1"


def case(name, method, host, path="/", query=(), headers=(), body=b"", scheme="https", port=None,
         region="us-west-2", service="ec2", token=None, key=KEY, when="2026-12-05T03:04:05"):
    return dict(name=name, method=method, scheme=scheme, host=host, port=port, path=path,
                query=[list(p) for p in query], headers=[list(h) for h in headers],
                body=base64.b64encode(body).decode(), accessKeyId=key[0], secretAccessKey=key[1],
                sessionToken=token, region=region, service=service, when=when)


CASES = [
    case("ec2 DescribeSubnets, form body", "POST", "ec2.us-west-2.amazonaws.com",
         headers=[("Content-Type", FORM)],
         body=b"Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=subnet-id&Filter.1.Value.1=subnet-0123456789abcdef0"),
    case("ec2 DescribeSecurityGroups with a session token", "POST", "ec2.us-west-2.amazonaws.com",
         headers=[("Content-Type", FORM)], token=TOKEN,
         body=b"Action=DescribeSecurityGroups&Version=2016-11-15&Filter.1.Name=group-id&Filter.1.Value.1=sg-0123456789abcdef0"),
    case("ec2 DescribeVpcs, eu-central-1", "POST", "ec2.eu-central-1.amazonaws.com", region="eu-central-1",
         headers=[("Content-Type", FORM)], body=b"Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0abc1234"),
    case("fsx DescribeFileSystems, JSON 1.1", "POST", "fsx.us-west-2.amazonaws.com", service="fsx",
         headers=[("Content-Type", JSON11), ("X-Amz-Target", "AWSSimbaAPIService_v20180301.DescribeFileSystems")],
         body=b'{"FileSystemIds":["fs-0123456789abcdef0"]}'),
    case("fsx with a session token", "POST", "fsx.ap-southeast-1.amazonaws.com", service="fsx", region="ap-southeast-1",
         token=TOKEN, headers=[("Content-Type", JSON11), ("X-Amz-Target", "AWSSimbaAPIService_v20180301.DescribeFileSystems")],
         body=b'{}'),
    case("sts GetCallerIdentity", "POST", "sts.us-east-1.amazonaws.com", service="sts", region="us-east-1",
         headers=[("Content-Type", FORM)], body=b"Action=GetCallerIdentity&Version=2011-06-15"),
    case("GET, no query, empty body", "GET", "ec2.us-west-2.amazonaws.com"),
    case("GET with query parameters", "GET", "ec2.us-west-2.amazonaws.com",
         query=[("Action", "DescribeSubnets"), ("Version", "2016-11-15"), ("SubnetId.1", "subnet-0123456789abcdef0")]),
    case("query values that need encoding", "GET", "example.amazonaws.com", service="service",
         query=[("Param2", "value with spaces"), ("Param1", "a=b&c/d~e+f*g"), ("Param3", "")]),
    case("query with a repeated key", "GET", "example.amazonaws.com", service="service",
         query=[("Key", "b"), ("Key", "a"), ("Other", "1")]),
    case("query with non-ASCII values", "GET", "example.amazonaws.com", service="service",
         query=[("name", "caf\u00e9"), ("emoji", "\u2603")]),
    case("query with an empty value and a key needing encoding", "GET", "example.amazonaws.com", service="service",
         query=[("a b", "x"), ("empty", "")]),
    case("headers with extra whitespace", "GET", "example.amazonaws.com", service="service",
         headers=[("My-Header1", "  value1  "), ("My-Header2", "\"a   b   c\""), ("X-Tabbed", "a\tb \t c")]),
    case("mixed-case header names and user-agent (not signed)", "POST", "example.amazonaws.com", service="service",
         headers=[("X-AMZ-Meta-Thing", "One"), ("User-Agent", "fsx-webhook/0.1"), ("Content-Type", "text/plain")],
         body=b"hello"),
    case("a header given twice", "GET", "example.amazonaws.com", service="service",
         headers=[("X-Dup", "first"), ("X-Dup", "second")]),
    case("https on a custom port", "POST", "localhost", port=8443, headers=[("Content-Type", FORM)],
         body=b"Action=DescribeSubnets&Version=2016-11-15"),
    case("http on the default port", "GET", "ec2.local", scheme="http", port=80),
    case("http on moto's port", "POST", "127.0.0.1", scheme="http", port=5000, service="fsx",
         headers=[("Content-Type", JSON11), ("X-Amz-Target", "AWSSimbaAPIService_v20180301.DescribeFileSystems")],
         body=b'{"FileSystemIds":["fs-1234abcd"]}'),
    case("path with dot segments", "GET", "example.amazonaws.com", path="/a/./b/../c", service="service"),
    case("path with a trailing slash", "GET", "example.amazonaws.com", path="/foo/bar/", service="service"),
    case("path already percent-encoded", "GET", "example.amazonaws.com", path="/foo%20bar/caf%C3%A9", service="service"),
    case("path with repeated slashes", "GET", "example.amazonaws.com", path="//foo//bar", service="service"),
    case("secret key with slash and plus, token, DELETE", "DELETE", "example.amazonaws.com", service="service",
         key=("AKIAIOSFODNN7EXAMPLE", "abc/def+ghi/jkl+mno/pqr+stuvwxyz012345"), token="short-token"),
    case("PUT with a JSON body", "PUT", "example.amazonaws.com", path="/things/1", service="service",
         headers=[("Content-Type", "application/json")], body=b'{"a": [1, 2, 3], "b": "\\u00e9"}'),
    case("binary body", "POST", "example.amazonaws.com", service="service",
         headers=[("Content-Type", "application/octet-stream")], body=bytes(range(256))),
    case("X-Amz-Date given by the caller is replaced", "GET", "ec2.us-west-2.amazonaws.com",
         headers=[("X-Amz-Date", "20000101T000000Z")]),
    case("year boundary date, cn-north-1", "POST", "ec2.cn-north-1.amazonaws.com.cn", region="cn-north-1",
         headers=[("Content-Type", FORM)], body=b"Action=DescribeSubnets&Version=2016-11-15",
         when="2026-12-31T23:59:59"),
    case("Host header given by the caller", "GET", "ec2.us-west-2.amazonaws.com",
         headers=[("Host", "ec2.us-west-2.amazonaws.com")]),
]


def sign(c):
    port = f":{c['port']}" if c["port"] is not None else ""
    url = f"{c['scheme']}://{c['host']}{port}{c['path']}"
    request = AWSRequest(method=c["method"], url=url, data=base64.b64decode(c["body"]),
                         params=[tuple(p) for p in c["query"]] or None)
    for name, value in c["headers"]:
        request.headers[name] = value  # assignment appends, so a repeated header stays twice
    credentials = Credentials(c["accessKeyId"], c["secretAccessKey"], c["sessionToken"])
    when = datetime.datetime.strptime(c["when"], "%Y-%m-%dT%H:%M:%S")
    with mock.patch("botocore.auth.get_current_datetime", return_value=when):
        botocore.auth.SigV4Auth(credentials, c["service"], c["region"]).add_auth(request)
    return request.headers["Authorization"], request.headers["X-Amz-Date"]


def vectors():
    out = []
    for c in CASES:
        authorization, amz_date = sign(c)
        out.append({**c, "amzDate": amz_date, "authorization": authorization})
    return {"botocore": botocore.__version__, "cases": out}


if __name__ == "__main__":
    json.dump(vectors(), sys.stdout, indent=1, ensure_ascii=True)
    sys.stdout.write("\n")
