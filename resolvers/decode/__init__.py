"""Decoders: one module per agency part of the SSBTEK answer, each returning plain dataclasses."""
