"""The `config:` value becomes the file `fsx-webhook --config` reads."""

from __future__ import annotations

import yaml

from conftest import BUILD, Release, all_releases, values_config

RELEASES = all_releases()
CONFIG_MOUNT = "/etc/fsx-webhook/config.yaml"


def config_file(rel) -> str:
    cm = rel.one("ConfigMap")
    assert set(cm["data"]) == {"config.yaml"}
    return cm["data"]["config.yaml"]


def test_default_config_is_an_empty_mapping_meaning_validate_only():
    assert yaml.safe_load(config_file(RELEASES["helm"])) == {}


def test_product_example_config_renders_verbatim():
    rel = RELEASES["config"]
    text = config_file(rel)
    assert yaml.safe_load(text) == values_config()["config"]
    # .ci/run hands this file to `fsx-webhook check --config` to prove the
    # binary accepts what the chart renders.
    BUILD.mkdir(exist_ok=True)
    out = BUILD / "rendered-config.yaml"
    out.write_text(text)
    print(f"wrote {out}")
    assert yaml.safe_load(out.read_text())["volumes"]["training-data"]["mountPath"] == "/data"


def test_config_map_is_mounted_where_the_server_reads_it():
    rel = RELEASES["config"]
    args = rel.container["args"]
    assert args[args.index("--config") + 1] == CONFIG_MOUNT
    [mount] = [m for m in rel.container["volumeMounts"] if m["mountPath"] == CONFIG_MOUNT]
    [vol] = [v for v in rel.pod["volumes"] if v["name"] == mount["name"]]
    assert vol["configMap"]["name"] == rel.one("ConfigMap")["metadata"]["name"]
    assert mount["subPath"] == "config.yaml"


def test_a_new_config_rolls_the_pods():
    # The server reads the file only at start; the checksum annotation makes a
    # config change a new pod template.
    a = RELEASES["helm"].deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    b = RELEASES["config"].deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    c = Release({}, "fsx", "fsx-system").deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    assert a != b and a == c
