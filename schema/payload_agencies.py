"""Agencies whose payloads are typed by later work: CSN and Skatteverket. Each has its `fel` now,
so that selecting it asks SSBTEK for it."""

from __future__ import annotations

import strawberry

from schema.common import Myndighetsfel


@strawberry.type(description="CSN's answer (`CSN`, base64 `CSNSvar` inside `svar`).")
class Csn:
    fel: Myndighetsfel | None = strawberry.field(
        description="CSN's `error`; null when it answered."
    )


@strawberry.type(description="Skatteverket's answer (`SKV`, an XML document inside `svar`).")
class Skatteverket:
    fel: Myndighetsfel | None = strawberry.field(
        description="Skatteverket's `error`; null when it answered."
    )
