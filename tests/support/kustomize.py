"""A small renderer of the project's kustomize base (what it uses: resources, namespace and
labels), so the manifests are checked where kubectl is not installed; where it is, the tests
compare the two."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

CLUSTER_WIDE = {"Namespace", "ClusterRole", "ClusterRoleBinding"}


def render(directory: Path) -> list[dict[str, Any]]:
    """The objects the kustomization in `directory` gives."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text(encoding="utf-8"))
    objects: list[dict[str, Any]] = []
    for resource in kustomization["resources"]:
        text = (directory / resource).read_text(encoding="utf-8")
        objects += [doc for doc in yaml.safe_load_all(text) if doc]
    labels: dict[str, str] = {}
    for entry in kustomization.get("labels", []):
        labels.update(entry.get("pairs", {}))
    rendered = []
    for obj in objects:
        obj = copy.deepcopy(obj)
        metadata = obj.setdefault("metadata", {})
        if kustomization.get("namespace") and obj["kind"] not in CLUSTER_WIDE:
            metadata["namespace"] = kustomization["namespace"]
        if labels:
            metadata["labels"] = {**metadata.get("labels", {}), **labels}
        rendered.append(obj)
    return rendered
