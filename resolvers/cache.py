"""The brief cache of decoded answer parts: in memory (bounded, least recently used out first) or
in Redis (shared by several instances), both through aiocache.

Keys are keyed hashes (HMAC-SHA256), never a personnummer. In Redis every value is encrypted and
authenticated with AES-GCM under `SSBTEK_CACHE_KEY`, bound to its key and to the time it expires:
Redis's TTL removes it, and the sealed time makes it a miss should Redis keep it longer (or have it
written back). When Redis cannot be reached the facade answers uncached: the failure is counted,
and logged once until Redis answers again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import pickle
import secrets
import struct
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from aiocache import SimpleMemoryCache
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from resolvers.memory import FREED

log = logging.getLogger(__name__)

DEFAULT_TTL_S = 120.0
# Anything going wrong in the Redis cache (down, slow, failing): a cache fault must cost speed,
# never an answer; the cache tests count calls, so a fault there still fails them.
REDIS_DOWN = Exception
DEFAULT_MAX_ENTRIES = 10_000
# The memory cache's bound in (estimated) bytes: well inside the Kubernetes base's 512 MiB limit
# beside the process itself and the answers being read (docs/deployment.md, Sizing).
DEFAULT_MAX_BYTES = 128 * 1024 * 1024
# How far ahead of this instance's clock another instance's may run: a sealed value that would
# expire later than the TTL from now, by more than this, is a miss (written under a longer TTL, or
# by an instance whose clock is wrong). Expiry is wall-clock time, since instances share Redis.
CLOCK_SKEW_S = 5.0


@dataclass(frozen=True)
class CacheSettings:
    """`SSBTEK_CACHE_URL`, `SSBTEK_CACHE_TTL_S`, `SSBTEK_CACHE_MAX_ENTRIES`,
    `SSBTEK_CACHE_MAX_BYTES`, `SSBTEK_CACHE_KEY`."""

    url: str | None = None
    ttl_s: float = DEFAULT_TTL_S
    max_entries: int = DEFAULT_MAX_ENTRIES
    max_bytes: int = DEFAULT_MAX_BYTES
    key: bytes | None = None  # 32 bytes; required with Redis


@dataclass(frozen=True)
class RedisAddress:
    """Where Redis is, from a `redis://[user:password@]host[:port][/db]` URL (`rediss://`: TLS)."""

    host: str
    port: int = 6379
    db: int = 0
    username: str | None = None
    password: str | None = None
    tls: bool = False


def redis_address(url: str) -> RedisAddress:
    """The parts of a Redis URL, percent-decoded; ValueError naming what is wrong."""
    parsed = urlsplit(url)
    if parsed.scheme not in ("redis", "rediss") or not parsed.hostname:
        raise ValueError("a redis:// or rediss:// URL with a host")
    try:
        port = parsed.port or 6379
    except ValueError:
        raise ValueError("a port from 1 to 65535") from None
    db_text = (parsed.path or "/").strip("/") or "0"
    if not db_text.isdigit():
        raise ValueError("a database number as the path, e.g. /0")
    return RedisAddress(
        host=parsed.hostname,
        port=port,
        db=int(db_text),
        username=unquote(parsed.username) if parsed.username else None,
        password=unquote(parsed.password) if parsed.password else None,
        tls=parsed.scheme == "rediss",
    )


def parse_cache_key(text: str) -> bytes:
    """32 random bytes given in base64, standard or URL-safe; ValueError otherwise."""
    padded = text.strip() + "=" * (-len(text.strip()) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            raw = decode(padded.encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            continue
        if len(raw) == 32:
            return raw
    raise ValueError("not 32 bytes in base64")


@dataclass
class CacheStats:
    """Counters of one cache (hits, misses, evictions, backend errors), for operators."""

    hits: int = 0
    misses: int = 0
    evictions: int = 0
    backend_errors: int = 0


class BoundedMemoryCache(SimpleMemoryCache):  # type: ignore[misc]  # aiocache has no types
    """aiocache's memory cache with bounds: past `max_entries` entries, or `max_bytes` of their
    sizes as `size_of` estimates them, the least recently used entries go (aiocache's own has no
    bound); an entry larger than `max_bytes` alone is not kept. What expiry or eviction frees is
    handed back to the operating system (`resolvers/memory.py`)."""

    def __init__(
        self,
        max_entries: int,
        stats: CacheStats,
        max_bytes: int = DEFAULT_MAX_BYTES,
        size_of: Callable[[Any], int] = lambda _value: 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._cache: OrderedDict[str, object] = OrderedDict()
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.size_of = size_of
        self.stats = stats
        self.sizes: dict[str, int] = {}
        self.held_bytes = 0

    async def _get(self, key: str, encoding: str = "utf-8", _conn: Any = None) -> Any:
        if key in self._cache:
            self._cache.move_to_end(key)
        return self._cache.get(key)

    async def _multi_get(self, keys: list[str], encoding: str = "utf-8", _conn: Any = None) -> Any:
        return [await self._get(key) for key in keys]

    async def _set(
        self, key: str, value: Any, ttl: Any = None, _cas_token: Any = None, _conn: Any = None
    ) -> Any:
        size = self.size_of(value)
        if size > self.max_bytes:
            await self._delete(key)
            self.stats.evictions += 1
            return True
        done = await super()._set(key, value, ttl=ttl, _cas_token=_cas_token, _conn=_conn)
        self._cache.move_to_end(key)
        self._forget(key)
        self.sizes[key] = size
        self.held_bytes += size
        while len(self._cache) > self.max_entries or self.held_bytes > self.max_bytes:
            await self._delete(next(iter(self._cache)))
            self.stats.evictions += 1
        return done

    async def _delete(self, key: str, _conn: Any = None) -> Any:
        done = await super()._delete(key, _conn=_conn)
        self._forget(key)
        return done

    def _SimpleMemoryBackend__delete(self, key: str) -> Any:
        """aiocache's expiry (a timer per key calls this private method): the entry's bytes are
        no longer held. tests/test_cache.py checks that expiry still comes this way."""
        done = super()._SimpleMemoryBackend__delete(key)
        self._forget(key)
        return done

    def _forget(self, key: str) -> None:
        size = self.sizes.pop(key, 0)
        self.held_bytes -= size
        FREED.add(size)


class PartCache:
    """Answer parts by a key tuple. The base class caches nothing (`SSBTEK_CACHE_TTL_S=0`)."""

    backend = "none"

    def __init__(self, ttl_s: float = 0.0) -> None:
        self.ttl_s = ttl_s
        self.stats = CacheStats()
        self._hash_key = secrets.token_bytes(32)

    def key(self, *parts: str) -> str:
        """The stored key of a key tuple: a keyed hash, so no personnummer is ever a key."""
        return hmac.new(self._hash_key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()

    async def get_many(self, keys: list[str]) -> dict[str, Any]:
        """The entries held for these keys (missing ones are left out)."""
        return {}

    async def set_many(self, items: dict[str, Any], ttls: dict[str, float] | None = None) -> None:
        """Hold these entries for the TTL (or, per key, the shorter time in `ttls`)."""

    async def close(self) -> None:
        """Release the backend's connections."""


class MemoryPartCache(PartCache):
    """Entries as objects in this process, bounded by `max_entries` and `max_bytes`."""

    backend = "memory"

    def __init__(
        self,
        ttl_s: float,
        max_entries: int,
        max_bytes: int = DEFAULT_MAX_BYTES,
        size_of: Callable[[Any], int] = lambda _value: 0,
    ) -> None:
        super().__init__(ttl_s)
        self._cache = BoundedMemoryCache(max_entries, self.stats, max_bytes, size_of)

    @property
    def held_bytes(self) -> int:
        """The estimated bytes of the entries held."""
        return self._cache.held_bytes

    async def get_many(self, keys: list[str]) -> dict[str, Any]:
        found = dict(zip(keys, await self._cache.multi_get(keys), strict=True))
        held = {key: value for key, value in found.items() if value is not None}
        self.stats.hits += len(held)
        self.stats.misses += len(keys) - len(held)
        return held

    async def set_many(self, items: dict[str, Any], ttls: dict[str, float] | None = None) -> None:
        for ttl, group in _by_ttl(items, ttls, self.ttl_s).items():
            await self._cache.multi_set(group, ttl=ttl)


class RedisPartCache(PartCache):
    """Entries in Redis: keys hashed with a key derived from `key`, values pickled and sealed
    with AES-GCM with their expiry, the stored key as associated data (`_seal`). An entry ends
    at Redis's TTL or its sealed expiry, whichever comes first."""

    backend = "redis"

    def __init__(self, url: str, ttl_s: float, key: bytes) -> None:
        super().__init__(ttl_s)
        from aiocache import RedisCache
        from aiocache.serializers import NullSerializer

        self._hash_key = hmac.new(key, b"ssbtek-graphql cache keys", hashlib.sha256).digest()
        self._aead = AESGCM(hmac.new(key, b"ssbtek-graphql cache values", hashlib.sha256).digest())
        address = redis_address(url)
        self._redis = RedisCache(
            endpoint=address.host,
            port=address.port,
            db=address.db,
            password=address.password,
            connection_pool_kwargs={"username": address.username} if address.username else None,
            ssl=address.tls,
            namespace="ssbtek-graphql",
            serializer=NullSerializer(encoding=None),  # values are sealed bytes already
            timeout=1,
            create_connection_timeout=1,
        )
        self._down: set[str] = set()

    async def get_many(self, keys: list[str]) -> dict[str, Any]:
        try:
            found = await self._redis.multi_get(keys)
        except REDIS_DOWN as exc:  # Redis down or slow: answer uncached
            self._failed("read", exc)
            return {}
        self._recovered("read")
        held = {}
        now = time.time()
        for key, sealed in zip(keys, found, strict=True):
            value = self._open(key, sealed, now) if sealed is not None else None
            if value is not None:
                held[key] = value
        self.stats.hits += len(held)
        self.stats.misses += len(keys) - len(held)
        return held

    async def set_many(self, items: dict[str, Any], ttls: dict[str, float] | None = None) -> None:
        now = time.time()
        for ttl, group in _by_ttl(items, ttls, self.ttl_s).items():
            pairs = [(key, self._seal(key, value, now + ttl)) for key, value in group]
            try:
                await self._redis.multi_set(pairs, ttl=ttl)
            except REDIS_DOWN as exc:
                self._failed("write", exc)
                return
            self._recovered("write")

    async def close(self) -> None:
        await self._redis.client.aclose()

    def _seal(self, key: str, value: Any, expires: float) -> bytes:
        """The stored form of a value: the header (format and expiry, `_HEADER`) in clear, a
        random nonce, and the pickled value encrypted with AES-GCM; the header and the stored
        key are associated data, so neither can be changed, nor the value moved to another
        key, without the value failing to open."""
        header = _HEADER.pack(_FORMAT, round(expires * 1000))
        nonce = os.urandom(12)
        return (
            header + nonce + self._aead.encrypt(nonce, pickle.dumps(value), _context(header, key))
        )

    def _open(self, key: str, sealed: bytes, now: float) -> Any:
        """The value, or None when it is past its sealed expiry, sealed for longer than this
        instance's TTL (and `CLOCK_SKEW_S`) from now, of another format (written before expiry
        was sealed in), or does not open under this key (tampered, moved to another key, or
        sealed with another SSBTEK_CACHE_KEY): such an entry counts as missing."""
        if len(sealed) < _HEADER.size + 12 or sealed[0] != _FORMAT:
            return None
        header = sealed[: _HEADER.size]
        _, expires_ms = _HEADER.unpack(header)
        if not now * 1000 < expires_ms <= (now + self.ttl_s + CLOCK_SKEW_S) * 1000:
            return None
        body = sealed[_HEADER.size :]
        try:
            plain = self._aead.decrypt(body[:12], body[12:], _context(header, key))
        except (InvalidTag, ValueError):
            return None
        try:
            return pickle.loads(plain)  # authenticated above: only this facade's own entries
        except Exception:  # written by another version of the facade: a miss
            self.stats.backend_errors += 1
            return None

    def _failed(self, direction: str, exc: Exception) -> None:
        self.stats.backend_errors += 1
        if direction not in self._down:
            self._down.add(direction)
            log.warning(
                "the Redis cache cannot be reached or failed to %s (%s): answering uncached "
                "until it answers again",
                direction,
                type(exc).__name__,
            )

    def _recovered(self, direction: str) -> None:
        if direction in self._down:
            self._down.discard(direction)
            log.warning("the Redis cache answers again (%s)", direction)


# A sealed value's header: its format (a byte; values of the first format, which held no expiry,
# began with their nonce and do not open as this one) and when it expires, in milliseconds since
# the epoch.
_HEADER = struct.Struct(">BQ")
_FORMAT = 2


def _context(header: bytes, key: str) -> bytes:
    """The associated data of a sealed value: what it is, its header and the key it is stored
    under."""
    return b"ssbtek-graphql cache entry\x00" + header + key.encode()


def _by_ttl(
    items: dict[str, Any], ttls: dict[str, float] | None, default: float
) -> dict[float, list[tuple[str, Any]]]:
    """Entries grouped by the time each may be held (those with no time left are dropped)."""
    groups: dict[float, list[tuple[str, Any]]] = {}
    for key, value in items.items():
        ttl = min(default, (ttls or {}).get(key, default))
        if ttl > 0:
            groups.setdefault(round(ttl, 3), []).append((key, value))
    return groups


def build_cache(settings: CacheSettings) -> PartCache:
    """The cache the settings ask for: none, in memory, or Redis."""
    if settings.ttl_s <= 0:
        return PartCache()
    if settings.url:
        if settings.key is None:
            raise ValueError("a Redis cache needs a key")
        return RedisPartCache(settings.url, settings.ttl_s, settings.key)
    from resolvers.parts import estimated_bytes

    return MemoryPartCache(
        settings.ttl_s, settings.max_entries, settings.max_bytes, size_of=estimated_bytes
    )
