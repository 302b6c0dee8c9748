"""The principal cache on its own: bounded, aged, invalidated by tag, never storing a lookup
that an invalidation overtook, and unused while it is not listening."""

from __future__ import annotations

from app.models.partners.enums import PrincipalKind, Role
from app.services.core import principal_cache
from app.services.core.principal import Principal
from app.services.core.principal_cache import (
    ALL,
    CachedPrincipal,
    PrincipalCache,
    decode,
    encode,
    principal_tags,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def user(token_id: int, partner_id: int = 1, user_id: int = 5) -> CachedPrincipal:
    principal = Principal(
        kind=PrincipalKind.PARTNER_USER,
        token_id=token_id,
        partner_id=partner_id,
        user_id=user_id,
        role=Role.ADMIN,
    )
    return CachedPrincipal(principal, None, None, principal_tags(principal))


def customer(token_id: int, cloud_account_id: int) -> CachedPrincipal:
    principal = Principal(
        kind=PrincipalKind.CUSTOMER, token_id=token_id, cloud_account_id=cloud_account_id
    )
    return CachedPrincipal(principal, None, None, principal_tags(principal))


def new_cache(clock: Clock | None = None, **kwargs) -> PrincipalCache:
    options = {"max_size": 100, "max_age_seconds": 30.0, "needs_listener": False}
    options.update(kwargs)
    return PrincipalCache(monotonic=clock or Clock(), **options)


def test_a_stored_principal_is_answered_until_its_max_age():
    clock = Clock()
    cache = new_cache(clock)
    entry = user(1)

    assert cache.get("h1") is None
    assert cache.put("h1", entry, cache.epoch)
    clock.now += 29.9
    assert cache.get("h1") is entry

    clock.now += 0.1
    assert cache.get("h1") is None
    assert "h1" not in cache


def test_the_least_recently_used_goes_when_full():
    cache = new_cache(max_size=2)
    for n in (1, 2):
        cache.put(f"h{n}", user(n), cache.epoch)
    cache.get("h1")  # h2 is now the least recently used

    cache.put("h3", user(3), cache.epoch)

    assert len(cache) == 2
    assert cache.get("h2") is None
    assert cache.get("h1") is not None and cache.get("h3") is not None


def test_an_invalidation_drops_exactly_the_entries_made_of_its_tags():
    cache = new_cache()
    cache.put("token", user(1, partner_id=1, user_id=5), cache.epoch)
    cache.put("same user", user(2, partner_id=1, user_id=5), cache.epoch)
    cache.put("other user", user(3, partner_id=1, user_id=6), cache.epoch)
    cache.put("other partner", user(4, partner_id=2, user_id=7), cache.epoch)
    cache.put("customer", customer(5, cloud_account_id=9), cache.epoch)

    cache.invalidate({principal_cache.token_tag(1)})
    assert "token" not in cache and "same user" in cache

    cache.invalidate({principal_cache.user_tag(1, 5)})
    assert "same user" not in cache and "other user" in cache

    cache.invalidate({principal_cache.partner_tag(1)})
    assert "other user" not in cache and "other partner" in cache

    cache.invalidate({principal_cache.account_tag(9)})
    assert "customer" not in cache and "other partner" in cache

    cache.invalidate({ALL})
    assert len(cache) == 0


def test_a_lookup_overtaken_by_an_invalidation_is_not_stored():
    # given a lookup that began, then an invalidation (of anything) before it stores
    cache = new_cache()
    began = cache.epoch
    cache.invalidate({principal_cache.user_tag(1, 5)})

    # then what it read may be what the change replaced: not kept
    assert not cache.put("h1", user(1), began)
    assert "h1" not in cache
    assert cache.put("h1", user(1), cache.epoch)


def test_a_cache_that_needs_a_listener_is_unused_until_it_listens():
    cache = new_cache(needs_listener=True)
    assert not cache.put("h1", user(1), cache.epoch)

    cache.resume()
    assert cache.put("h1", user(1), cache.epoch)
    assert cache.get("h1") is not None

    # when the listener is lost: emptied, and nothing is stored or answered meanwhile
    cache.suspend()
    assert len(cache) == 0
    assert not cache.put("h1", user(1), cache.epoch)
    assert cache.get("h1") is None

    # and it starts empty when it listens again
    cache.resume()
    assert len(cache) == 0


def test_invalidations_reach_every_cache_of_the_process():
    first, second = new_cache(), new_cache()
    first.put("h1", user(1), first.epoch)
    second.put("h1", user(1), second.epoch)

    principal_cache.invalidate_everywhere({principal_cache.token_tag(1)})

    assert "h1" not in first and "h1" not in second


def test_payloads_name_the_tags_or_everything():
    tags = {principal_cache.token_tag(1), principal_cache.account_tag(2)}
    assert decode(encode(tags)) == tags
    assert encode({ALL, principal_cache.token_tag(1)}) == ALL
    assert encode({principal_cache.token_tag(n) for n in range(2000)}) == ALL  # > 8000 bytes
    assert decode("") == {ALL}


def test_a_principal_is_tagged_with_what_it_is_made_of():
    partner_user = user(1, partner_id=2, user_id=3).principal
    assert set(principal_tags(partner_user)) == {"t:1", "p:2", "u:2:3"}
    assert set(principal_tags(customer(4, cloud_account_id=5).principal)) == {"t:4", "a:5"}
    platform = Principal(kind=PrincipalKind.PLATFORM, token_id=6)
    assert principal_tags(platform) == ("t:6",)
