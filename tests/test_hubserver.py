"""FakeHub speaks the Hub API to the real huggingface_hub client (nothing in the client is patched)."""

from __future__ import annotations

import csv
import json
import math
import threading
import time
from pathlib import Path
from typing import Any

import httpx2
import pytest
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import (
    BadRequestError,
    HfHubHTTPError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.hf_api import ExpandModelProperty_T, RepoFile, RepoFolder
from huggingface_hub.utils import get_session, parse_ratelimit_headers

from tests.hubserver import (
    LISTING_FIELDS,
    FakeHub,
    config_json_bytes,
    load_fixture_models,
    load_fixture_trees,
    load_shared_records,
    synthetic_models,
    synthetic_tree,
)

Record = dict[str, Any]
EXPAND: list[ExpandModelProperty_T] = ["downloads", "pipeline_tag", "safetensors", "gguf", "tags", "lastModified"]
LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
BIG_GGUF = "bartowski/Llama-3.3-70B-Instruct-GGUF"


def text_generation_by_downloads(models: list[Record]) -> list[str]:
    chosen = [m for m in models if m.get("pipeline_tag") == "text-generation"]
    return [m["id"] for m in sorted(chosen, key=lambda m: (-m.get("downloads", 0), m["id"]))]


def api(hub: FakeHub) -> HfApi:
    return HfApi(endpoint=hub.url, token=False)


def get(url: str, **params: Any) -> httpx2.Response:
    return get_session().get(url, params=params or None)


@pytest.fixture
def models() -> list[Record]:
    return load_fixture_models()


@pytest.fixture
def paged_hub(models: list[Record]) -> Any:
    with FakeHub(models, load_fixture_trees(), page_size=7, tree_page_size=3) as server:
        yield server


# -- listing


def test_list_models_follows_pages_in_download_order(paged_hub: FakeHub, models: list[Record]) -> None:
    expected = text_generation_by_downloads(models)
    listed = list(api(paged_hub).list_models(pipeline_tag="text-generation", sort="downloads", expand=EXPAND))
    ids = [m.id for m in listed]
    assert ids == expected
    assert len(set(ids)) == len(ids) > 100
    assert paged_hub.count("/api/models") == math.ceil(len(expected) / 7)
    llama = next(m for m in listed if m.id == LLAMA)
    assert llama.downloads == 5_470_200 and llama.safetensors is not None and llama.safetensors.total == 8_030_261_248
    assert llama.author is None and llama.card_data is None  # only the expanded fields come back
    gguf = next(m for m in listed if m.id == BIG_GGUF)
    assert gguf.gguf == {"total": 70_553_706_496, "architecture": "llama", "context_length": 131072}


def test_limit_stops_after_the_pages_it_needs(paged_hub: FakeHub, models: list[Record]) -> None:
    listed = list(api(paged_hub).list_models(pipeline_tag="text-generation", sort="downloads", expand=EXPAND, limit=20))
    assert [m.id for m in listed] == text_generation_by_downloads(models)[:20]
    assert paged_hub.count("/api/models") == 3
    first, second = paged_hub.requests[0], paged_hub.requests[1]
    assert "cursor" not in first.query and second.query["cursor"]
    # the Link header keeps every other parameter, repeated ones included
    for key in ("pipeline_tag", "sort", "limit", "expand"):
        assert second.query[key] == first.query[key]
    assert second.query["expand"] == EXPAND


def test_link_header_is_absolute_on_the_servers_own_host(paged_hub: FakeHub) -> None:
    response = get(f"{paged_hub.url}/api/models", filter="gguf", sort="likes")
    link = response.headers["Link"]
    assert link.startswith(f"<{paged_hub.url}/api/models?") and link.endswith('>; rel="next"')
    assert "filter=gguf" in link and "sort=likes" in link and "cursor=" in link
    assert response.links["next"]["url"].startswith(paged_hub.url)


def test_default_listing_shape(hub: FakeHub) -> None:
    page = get(f"{hub.url}/api/models", search="Qwen2.5-7B", limit=5).json()
    assert page and all(set(record) <= set(LISTING_FIELDS) for record in page)
    assert all(record["modelId"] == record["id"] for record in page)
    assert {"_id", "likes", "downloads", "tags", "createdAt", "private"} <= set(page[0])


def test_expand_with_brackets_returns_exactly_the_fields_asked(hub: FakeHub) -> None:
    url = f"{hub.url}/api/models?filter=gguf&expand[]=gguf&expand[]=downloads&limit=50"
    page = get_session().get(url).json()
    assert page
    for record in page:
        assert set(record) <= {"_id", "id", "gguf", "downloads"} and "downloads" in record


def test_full_config_and_card_data_add_to_the_default_shape(hub: FakeHub) -> None:
    page = get(f"{hub.url}/api/models", search="Llama-3.1-8B-Instruct", full="true", config="true").json()
    record = next(r for r in page if r["id"] == LLAMA)
    assert {"author", "sha", "lastModified", "siblings", "config", "gated"} <= set(record)
    assert "cardData" not in record
    assert all(set(s) == {"rfilename"} for s in record["siblings"])


def test_filters_search_and_author(hub: FakeHub, models: list[Record]) -> None:
    client = api(hub)
    bartowski = [m.id for m in client.list_models(author="bartowski")]
    assert bartowski and all(i.startswith("bartowski/") for i in bartowski)
    both = [m.id for m in client.list_models(filter=["gguf", "license:llama3.1"], expand=["tags"])]
    assert BIG_GGUF not in both  # llama3.3
    assert "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF" in both
    assert all(i.endswith(("GGUF", "gguf")) for i in both)
    assert {m.id for m in client.list_models(search="qwq")} == {"Qwen/QwQ-32B", "bartowski/Qwen_QwQ-32B-GGUF"}
    by_library = {m.id for m in client.list_models(filter="peft")}
    assert by_library == {"predibase/magicoder", "tloen/alpaca-lora-7b"}
    sized = [m.id for m in client.list_models(num_parameters="min:60B,max:80B", pipeline_tag="text-generation")]
    assert LLAMA not in sized and "meta-llama/Llama-3.3-70B-Instruct" in sized


def test_text_generation_listing_leaves_other_tasks_out(hub: FakeHub) -> None:
    ids = {m.id for m in api(hub).list_models(pipeline_tag="text-generation")}
    for other in ("openai/whisper-large-v3", "google-bert/bert-base-uncased", "black-forest-labs/FLUX.1-dev"):
        assert other not in ids
    assert "openai/gpt-oss-20b" in ids


def test_sorts(hub: FakeHub, models: list[Record]) -> None:
    client = api(hub)
    by_likes = [m.likes or 0 for m in client.list_models(sort="likes", expand=["likes"], limit=30)]
    assert by_likes == sorted(by_likes, reverse=True)
    created = [m.created_at for m in client.list_models(sort="created_at", expand=["createdAt"], limit=30)]
    assert None not in created and created == sorted((c for c in created if c), reverse=True)
    ascending = get(f"{hub.url}/api/models", sort="id", limit=5).json()
    assert [r["id"] for r in ascending] == sorted(m["id"] for m in models)[:5]
    default = [r["id"] for r in get(f"{hub.url}/api/models", limit=3).json()]
    assert default == [m["id"] for m in sorted(models, key=lambda m: (-m.get("trendingScore", 0), m["id"]))][:3]


def test_bad_parameters_are_refused_like_the_hub(hub: FakeHub) -> None:
    with pytest.raises(BadRequestError):
        list(api(hub).list_models(sort="bogus", limit=1))  # type: ignore[arg-type]
    with pytest.raises(BadRequestError):
        list(api(hub).list_models(expand=["nonsense"], limit=1))  # type: ignore[list-item]


def test_paging_neither_skips_nor_repeats_when_the_catalog_changes(models: list[Record]) -> None:
    with FakeHub(models, page_size=5) as hub:
        first = get(f"{hub.url}/api/models", pipeline_tag="text-generation", sort="downloads")
        seen = [r["id"] for r in first.json()]
        hub.upsert_model({**models[0], "id": "new/very-popular", "modelId": "new/very-popular", "downloads": 10**9})
        hub.remove_model(seen[1])
        second = get_session().get(first.links["next"]["url"]).json()
    expected = text_generation_by_downloads(models)
    assert [r["id"] for r in second] == expected[5:10]


def test_catalog_changes_between_syncs(models: list[Record]) -> None:
    with FakeHub(models[:3]) as hub:
        client = api(hub)
        assert {m.id for m in client.list_models()} == {m["id"] for m in models[:3]}
        hub.set_models(models[3:5])
        hub.upsert_model({**models[5], "downloads": 1})
        hub.remove_model(models[3]["id"])
        assert {m.id for m in client.list_models()} == {models[4]["id"], models[5]["id"]}
        with pytest.raises(KeyError):
            hub.remove_model("nobody/nothing")


# -- model info and trees


def test_model_info_returns_the_whole_record(hub: FakeHub, models: list[Record]) -> None:
    record = next(m for m in models if m["id"] == LLAMA)
    info = api(hub).model_info(LLAMA)
    assert info.sha == record["sha"] and info.gated == "manual"
    assert info.card_data is not None and info.card_data.license == "llama3.1"
    assert info.config is not None and info.config["num_key_value_heads"] == 8
    assert info.siblings is not None and all(s.size is None for s in info.siblings)
    assert api(hub).model_info(LLAMA, revision=record["sha"]).id == LLAMA
    assert api(hub).model_info(LLAMA.lower()).id == LLAMA  # ids resolve case-insensitively, as on the Hub


def test_files_metadata_gives_sizes_and_lfs(hub: FakeHub) -> None:
    tree = {f["path"]: f["size"] for f in load_fixture_trees()[BIG_GGUF]}
    info = api(hub).model_info(BIG_GGUF, files_metadata=True)
    assert info.siblings is not None
    sizes = {s.rfilename: s.size for s in info.siblings}
    assert sizes == tree
    q4 = next(s for s in info.siblings if s.rfilename == "Llama-3.3-70B-Instruct-Q4_K_M.gguf")
    assert q4.lfs is not None and q4.lfs.size == q4.size and len(q4.lfs.sha256) == 64 and q4.blob_id
    readme = next(s for s in info.siblings if s.rfilename == "README.md")
    assert readme.lfs is None


def test_list_repo_tree_recursive_across_pages(paged_hub: FakeHub) -> None:
    expected = {f["path"]: f["size"] for f in load_fixture_trees()[BIG_GGUF]}
    entries = list(api(paged_hub).list_repo_tree(BIG_GGUF, recursive=True))
    files = {e.path: e.size for e in entries if isinstance(e, RepoFile)}
    folders = sorted(e.path for e in entries if isinstance(e, RepoFolder))
    assert files == expected
    assert folders == sorted({p.rsplit("/", 1)[0] for p in expected if "/" in p})
    assert paged_hub.count(f"/api/models/{BIG_GGUF}/tree") == math.ceil(len(entries) / 3) > 1
    split = next(e for e in entries if isinstance(e, RepoFile) and e.path.endswith("Q8_0-00001-of-00002.gguf"))
    assert split.lfs is not None and split.lfs.size == split.size


def test_tree_of_the_root_and_of_a_folder(hub: FakeHub) -> None:
    client = api(hub)
    root = list(client.list_repo_tree(BIG_GGUF))
    assert any(isinstance(e, RepoFolder) and e.path == "Llama-3.3-70B-Instruct-Q8_0" for e in root)
    assert all("/" not in e.path for e in root)
    folder = [e.path for e in client.list_repo_tree(BIG_GGUF, path_in_repo="Llama-3.3-70B-Instruct-Q8_0")]
    assert folder == [
        "Llama-3.3-70B-Instruct-Q8_0/Llama-3.3-70B-Instruct-Q8_0-00001-of-00002.gguf",
        "Llama-3.3-70B-Instruct-Q8_0/Llama-3.3-70B-Instruct-Q8_0-00002-of-00002.gguf",
    ]
    expanded = list(client.list_repo_tree(LLAMA, expand=True))
    assert all(e.last_commit is not None for e in expanded)
    with pytest.raises(RemoteEntryNotFoundError):
        list(client.list_repo_tree(BIG_GGUF, path_in_repo="no-such-folder"))


def test_tree_factory_sizes_repos_without_an_explicit_tree() -> None:
    record = next(synthetic_models(50, seed=3))
    record = next(r for r in synthetic_models(200, seed=3) if "gguf" in r)
    with FakeHub([record], tree_factory=synthetic_tree) as hub:
        files = [e for e in api(hub).list_repo_tree(record["id"]) if e.path.endswith(".gguf")]
    assert files and all(isinstance(e, RepoFile) and e.size > 100_000_000 for e in files)


def test_ids_without_an_owner() -> None:
    gpt2 = {
        "id": "gpt2",
        "modelId": "gpt2",
        "pipeline_tag": "text-generation",
        "siblings": [{"rfilename": "config.json"}],
    }
    with FakeHub([gpt2], trees={"gpt2": [{"path": "config.json", "size": 665}]}) as hub:
        assert api(hub).model_info("gpt2").id == "gpt2"
        assert [e.path for e in api(hub).list_repo_tree("gpt2")] == ["config.json"]


def test_unknown_repo_and_revision(hub: FakeHub) -> None:
    with pytest.raises(RepositoryNotFoundError) as caught:
        api(hub).model_info("nobody/nothing")
    assert caught.value.response.headers["X-Error-Code"] == "RepoNotFound"
    assert caught.value.response.json() == {"error": "Repository not found"}
    with pytest.raises(RevisionNotFoundError):
        api(hub).model_info(LLAMA, revision="v9.9")
    with pytest.raises(RepositoryNotFoundError):
        list(api(hub).list_repo_tree("nobody/nothing"))


# -- files


def test_hf_hub_download_of_a_dataset_file(tmp_path: Path) -> None:
    parquet = b"PAR1" + bytes(range(256)) * 40 + b"PAR1"
    datasets = {"open-llm-leaderboard/contents": {"data/train.parquet": parquet, "README.md": b"# contents\n"}}
    with FakeHub(datasets=datasets) as hub:
        path = hf_hub_download(
            "open-llm-leaderboard/contents",
            "data/train.parquet",
            repo_type="dataset",
            endpoint=hub.url,
            cache_dir=tmp_path,
            token=False,
        )
        assert Path(path).read_bytes() == parquet
        assert [(r.method, r.status) for r in hub.requests] == [("HEAD", 200), ("GET", 200)]
        again = hf_hub_download(
            "open-llm-leaderboard/contents",
            "data/train.parquet",
            repo_type="dataset",
            endpoint=hub.url,
            cache_dir=tmp_path,
            token=False,
        )
        assert again == path and [r.method for r in hub.requests] == ["HEAD", "GET", "HEAD"]
        readme = hf_hub_download(
            "open-llm-leaderboard/contents", "README.md", repo_type="dataset", endpoint=hub.url, cache_dir=tmp_path
        )
        assert Path(readme).read_bytes() == b"# contents\n"
        info = HfApi(endpoint=hub.url, token=False).dataset_info("open-llm-leaderboard/contents", files_metadata=True)
        assert {s.rfilename: s.size for s in info.siblings or []} == {
            "README.md": 11,
            "data/train.parquet": len(parquet),
        }
        with pytest.raises(RemoteEntryNotFoundError):
            hf_hub_download(
                "open-llm-leaderboard/contents", "nope.csv", repo_type="dataset", endpoint=hub.url, cache_dir=tmp_path
            )


def test_resolve_headers_and_ranges() -> None:
    data = bytes(range(200)) * 100_000  # 20 MB: an LFS file
    with FakeHub(datasets={"a/b": {"big.bin": data}}) as hub:
        url = f"{hub.url}/datasets/a/b/resolve/main/big.bin"
        head = get_session().head(url)
        assert head.headers["Content-Length"] == head.headers["X-Linked-Size"] == str(len(data))
        assert head.headers["ETag"] == head.headers["X-Linked-Etag"] and len(head.headers["ETag"]) == 66
        assert len(head.headers["X-Repo-Commit"]) == 40
        part = get_session().get(url, headers={"Range": "bytes=10-19"})
        assert part.status_code == 206 and part.content == data[10:20]
        assert part.headers["Content-Range"] == f"bytes 10-19/{len(data)}"


def test_model_config_json_is_served_from_the_record(hub: FakeHub, models: list[Record], tmp_path: Path) -> None:
    record = next(m for m in models if m["id"] == "Qwen/Qwen2.5-7B-Instruct")
    path = hf_hub_download(record["id"], "config.json", endpoint=hub.url, cache_dir=tmp_path, token=False)
    config = json.loads(Path(path).read_text())
    assert config["num_key_value_heads"] == 4 and "tokenizer_config" not in config
    size = next(f["size"] for f in load_fixture_trees()[record["id"]] if f["path"] == "config.json")
    assert Path(path).stat().st_size == size == len(config_json_bytes(record) or b"")
    weights = f"{hub.url}/{BIG_GGUF}/resolve/main/Llama-3.3-70B-Instruct-Q4_K_M.gguf"
    assert get_session().head(weights).headers["X-Linked-Size"] == "43125953096"
    assert get_session().get(weights).status_code == 501  # sizes only: no 43 GB of bytes


# -- faults


def test_429_with_retry_after_is_retried_by_http_backoff(paged_hub: FakeHub, models: list[Record]) -> None:
    fault = paged_hub.faults.status(429, path="/api/models", exact=True, after=2, retry_after=0)
    started = time.monotonic()
    ids = [m.id for m in api(paged_hub).list_models(pipeline_tag="text-generation", sort="downloads", limit=35)]
    assert ids == text_generation_by_downloads(models)[:35]
    assert fault.fired == 1 and time.monotonic() - started >= 1.0  # Retry-After 0 + http_backoff's 1 s margin
    assert [r.status for r in paged_hub.requests] == [200, 200, 429, 200, 200, 200]
    assert paged_hub.requests[2].fault == "status"


def test_429_carries_the_hubs_rate_limit_headers(hub: FakeHub) -> None:
    hub.faults.status(429, path="/api/models", retry_after=7)
    response = get(f"{hub.url}/api/models")
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    info = parse_ratelimit_headers(response.headers)
    assert info is not None and (info.remaining, info.reset_in_seconds, info.limit) == (0, 7, 1000)
    assert get(f"{hub.url}/api/models", limit=1).status_code == 200  # fired once


def test_server_errors_and_always(hub: FakeHub) -> None:
    fault = hub.faults.status(502, path=f"/api/models/{LLAMA}", times="always")
    for _ in range(3):
        with pytest.raises(HfHubHTTPError) as caught:
            api(hub).model_info(LLAMA)  # model_info makes one request, without retries
        assert caught.value.response.status_code == 502
    assert fault.fired == 3
    assert api(hub).model_info("Qwen/QwQ-32B").id == "Qwen/QwQ-32B"
    hub.faults.clear()
    assert api(hub).model_info(LLAMA).id == LLAMA


def test_down_and_up(hub: FakeHub) -> None:
    hub.faults.down()
    with pytest.raises(HfHubHTTPError) as caught:
        api(hub).model_info(LLAMA)
    assert caught.value.response.status_code == 503
    hub.faults.down(reset=True)
    with pytest.raises(httpx2.TransportError):
        api(hub).model_info(LLAMA)
    assert hub.requests[-1].status == 0 and hub.requests[-1].fault == "reset"
    hub.faults.up()
    assert api(hub).model_info(LLAMA).id == LLAMA


def test_truncated_json_page(hub: FakeHub) -> None:
    hub.faults.truncate(path="/api/models", exact=True, mode="bad_json")
    with pytest.raises(json.JSONDecodeError):
        list(api(hub).list_models(limit=10))
    assert len(list(api(hub).list_models(limit=10))) == 10


def test_connection_dropped_mid_body(hub: FakeHub) -> None:
    hub.faults.truncate(path=f"/api/models/{LLAMA}", mode="short")
    with pytest.raises(httpx2.RemoteProtocolError):
        api(hub).model_info(LLAMA)
    assert api(hub).model_info(LLAMA).id == LLAMA


def test_dropped_listing_page_is_retried_by_http_backoff(paged_hub: FakeHub, models: list[Record]) -> None:
    paged_hub.faults.truncate(path="/api/models", query="cursor=", mode="short")
    ids = [m.id for m in api(paged_hub).list_models(pipeline_tag="text-generation", sort="downloads", limit=14)]
    assert ids == text_generation_by_downloads(models)[:14]


def test_delay_makes_the_client_time_out(hub: FakeHub) -> None:
    hub.faults.delay(5, path="/api/models/")
    started = time.monotonic()
    with pytest.raises(httpx2.TimeoutException):
        api(hub).model_info(LLAMA, timeout=0.2)
    assert time.monotonic() - started < 2
    hub.stop()  # cuts the pending delay short
    assert time.monotonic() - started < 3


def test_delay_then_answer(hub: FakeHub) -> None:
    hub.faults.delay(0.3, path="/api/models/")
    started = time.monotonic()
    assert api(hub).model_info(LLAMA).id == LLAMA
    assert time.monotonic() - started >= 0.3
    assert hub.requests[-1].fault == "delay" and hub.requests[-1].duration >= 0.3


def test_invalid_times() -> None:
    with pytest.raises(ValueError):
        FakeHub().faults.status(500, times=0)


# -- request log, helpers, fixtures


def test_request_log_is_thread_safe(hub: FakeHub) -> None:
    def work() -> None:
        for _ in range(15):
            assert get(f"{hub.url}/api/models/{LLAMA}").status_code == 200

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert hub.count(f"/api/models/{LLAMA}") == 90 == len(hub.requests)
    assert all(r.method == "GET" and r.status == 200 for r in hub.requests)


def test_fixture_catalog(models: list[Record]) -> None:
    trees = load_fixture_trees()
    ids = [m["id"] for m in models]
    assert len(ids) == len(set(ids)) >= 120
    assert set(trees) == set(ids)
    for model in models:
        assert {s["rfilename"] for s in model["siblings"]} == {f["path"] for f in trees[model["id"]]}
        assert model["createdAt"].endswith(".000Z") and len(model["sha"]) == 40 and len(model["_id"]) == 24
    gguf_repos = [m for m in models if m["id"].lower().endswith("gguf")]
    assert len(gguf_repos) >= 40
    for repo in gguf_repos:
        weights = [f for f in trees[repo["id"]] if ".gguf" in f["path"]]
        assert weights and all(f["size"] > 50_000_000 for f in weights)
    paths = [f["path"] for tree in trees.values() for f in tree]
    assert any(p.endswith("-00001-of-00002.gguf") for p in paths)
    assert any("/" in p and p.endswith(".gguf") for p in paths)
    tags = {t for m in models for t in m["tags"]}
    assert {"gguf", "mergekit", "uncensored", "abliterated", "ru", "license:cc-by-nc-4.0", "4-bit", "gptq"} <= tags
    assert {m.get("library_name") for m in models} >= {"transformers", "mlx", "peft", "diffusers", None}
    assert {m["gated"] for m in models} == {False, "auto", "manual"}


def test_thebloke_sizes_are_the_real_ones(shared_data: Path) -> None:
    with (shared_data / "gguf" / "thebloke-gguf-files.csv").open() as handle:
        real = {(r["gguf_repo"], r["gguf_file"]): int(r["size_bytes"]) for r in csv.DictReader(handle)}
    trees = load_fixture_trees()
    checked = 0
    for repo, files in trees.items():
        if repo.startswith("TheBloke/") and repo.endswith("-GGUF"):
            for f in files:
                if f["path"].endswith(".gguf"):
                    assert f["size"] == real[(repo, f["path"])]
                    checked += 1
    assert checked > 100


def test_real_hub_records_can_be_served(shared_data: Path) -> None:
    old = load_shared_records("models-2022.jsonl")
    assert all(r["id"] == r["modelId"] for r in old[:1000])
    detail = load_shared_records("detail-2024.json")
    listing = load_shared_records("listing-2024.json")
    owner_less = [r for r in old if "/" not in r["id"]][:20]  # the 2022 ids of gpt2, bert-base-uncased, ...
    assert owner_less
    with FakeHub([*old[:3000], *owner_less, *listing, *detail], page_size=100) as hub:  # detail wins
        client = api(hub)
        assert client.model_info("meta-llama/Llama-3.1-8B-Instruct").gated == "manual"
        text = [m.id for m in client.list_models(pipeline_tag="text-generation", sort="downloads")]
        served = [r for r in hub.models.values() if r.get("pipeline_tag") == "text-generation"]
        assert len(text) == len(set(text)) == len(served) > 500
        for record in owner_less[:3]:
            assert client.model_info(record["id"]).id == record["id"]


def test_synthetic_models_are_varied_and_unique() -> None:
    started = time.monotonic()
    records = list(synthetic_models(5000, seed=1))
    assert time.monotonic() - started < 5
    assert len({r["id"] for r in records}) == 5000
    assert all(r["pipeline_tag"] == "text-generation" for r in records)
    assert {r["cardData"]["license"] for r in records} >= {"apache-2.0", "llama3.1", "cc-by-nc-4.0", "gemma", "mit"}
    assert sum("gguf" in r["tags"] for r in records) > 500
    assert records == list(synthetic_models(5000, seed=1))
    with FakeHub(records[:1200], page_size=500) as hub:
        assert len(list(api(hub).list_models(pipeline_tag="text-generation", expand=["tags"]))) == 1200
