"""/readyz is ready only while started, and with the probe on, only if SSBTEK answers."""

from __future__ import annotations

from tests.support import CASEWORKER, Simulator, asgi_client, facade_app, facade_env


async def test_ready_means_started_and_says_how_ssbtek_answered(sim: Simulator) -> None:
    app = facade_app(facade_env(sim.url))
    async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:
        assert (await client.get("/readyz")).status_code == 503  # not started
        async with app.router.lifespan_context(app):
            await client.post("/graphql", json={"query": "{ tjanstestatus { myndighet } }"})
            ready = await client.get("/readyz")
        after = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["upstream"]["lastReached"] is not None
    assert ready.json()["upstream"]["failuresInARow"] == 0
    assert after.status_code == 503  # stopped


async def test_with_the_probe_on_ready_needs_ssbtek(sim: Simulator) -> None:
    from tests.support import free_port

    closed = f"http://127.0.0.1:{free_port()}/ssbtek"
    for url, status in ((sim.url, 200), (closed, 503)):
        app = facade_app(facade_env(url, SSBTEK_READY_PROBE="true", SSBTEK_CONNECT_TIMEOUT_S="1"))
        async with app.router.lifespan_context(app), asgi_client(app) as client:
            response = await client.get("/readyz")
        assert response.status_code == status, response.json()
