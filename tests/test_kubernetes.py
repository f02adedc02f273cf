"""The Kubernetes base (deploy/kubernetes): rendered (by kubectl where installed, else by a small
renderer, and the two compared), every object valid against Kubernetes' own schemas
(kubernetes-validate, strict), and the deployment as docs/deployment.md describes it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from graph.settings import load_settings
from tests.support.kustomize import render

BASE = Path(__file__).parent.parent / "deploy" / "kubernetes"


@pytest.fixture(scope="module")
def objects() -> list[dict[str, Any]]:
    return render(BASE)


def _one(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    [found] = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


def test_kubectl_renders_the_same_objects(objects: list[dict[str, Any]]) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: the small renderer alone renders the base")
    printed = subprocess.run(
        [kubectl, "kustomize", str(BASE)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    by_kubectl = [doc for doc in yaml.safe_load_all(printed) if doc]
    key = lambda o: (o["kind"], o["metadata"]["name"])  # noqa: E731
    assert sorted(by_kubectl, key=key) == sorted(objects, key=key)


def test_every_object_is_valid_kubernetes(objects: list[dict[str, Any]]) -> None:
    for obj in objects:
        kubernetes_validate.validate(obj, "1.30.0", strict=True)
    kinds = {o["kind"] for o in objects}
    assert kinds >= {
        "ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
        "NetworkPolicy", "StatefulSet",
    }  # fmt: skip


def test_the_facade_is_probed_secured_and_sized(objects: list[dict[str, Any]]) -> None:
    pod = _one(objects, "Deployment", "ssbtek-graphql")["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001  # the image's user
    assert container["resources"]["requests"]["memory"] and container["resources"]["limits"]
    grace = int(
        _one(objects, "ConfigMap", "ssbtek-graphql-config")["data"]["SSBTEK_SHUTDOWN_GRACE_S"]
    )
    assert pod["terminationGracePeriodSeconds"] > grace + 5  # the drain and the preStop pause


def test_the_connection_settings_load_and_outlast_the_ingress(
    objects: list[dict[str, Any]],
) -> None:
    config = _one(objects, "ConfigMap", "ssbtek-graphql-config")["data"]
    names = ("HEADER_TIMEOUT_S", "BODY_TIMEOUT_S", "KEEPALIVE_TIMEOUT_S", "MAX_CONNECTIONS")
    given = {f"SSBTEK_{name}": config[f"SSBTEK_{name}"] for name in names}
    connections = load_settings(given).connections
    # ingress-nginx keeps idle connections to the pods 60 s (upstream-keepalive-timeout): the
    # pod must keep them longer, or the ingress may send a request on one the pod is closing.
    assert connections.keepalive_timeout_s > INGRESS_NGINX_UPSTREAM_KEEPALIVE_S


INGRESS_NGINX_UPSTREAM_KEEPALIVE_S = 60


def test_every_secret_setting_comes_from_a_secret(objects: list[dict[str, Any]]) -> None:
    pod = _one(objects, "Deployment", "ssbtek-graphql")["spec"]["template"]["spec"]
    [container] = pod["containers"]
    from_secrets = {e["name"] for e in container["env"] if "secretKeyRef" in e["valueFrom"]}
    assert from_secrets == {"SSBTEK_AUDIT_SECRET", "SSBTEK_CACHE_KEY", "SSBTEK_CACHE_URL"}
    config = _one(objects, "ConfigMap", "ssbtek-graphql-config")["data"]
    assert not {"SSBTEK_AUDIT_SECRET", "SSBTEK_CACHE_KEY", "SSBTEK_CACHE_URL"} & set(config)
    tls = next(v for v in pod["volumes"] if v["name"] == "tls")
    assert tls["secret"]["secretName"] == "ssbtek-graphql-tls"
    for setting in ("SSBTEK_CERT_FILE", "SSBTEK_KEY_FILE", "SSBTEK_CA_FILE"):
        assert config[setting].startswith("/etc/ssbtek/tls/")
    assert config["SSBTEK_JWT_JWKS_URL"].startswith("https://")


def test_egress_goes_to_dns_ssbtek_the_idp_and_redis_only(objects: list[dict[str, Any]]) -> None:
    policy = _one(objects, "NetworkPolicy", "ssbtek-graphql")["spec"]
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
    ports = sorted({p["port"] for rule in policy["egress"] for p in rule["ports"]})
    assert ports == [53, 443, 6379]
    assert len(policy["egress"]) == 4
