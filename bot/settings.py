"""Settings: one list of records (name, default, help, environment variable), overridden by a TOML
file and then by the environment, built once in `main` into a typed `Settings` and passed down."""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time as day_time
from pathlib import Path
from typing import Any, Literal

from index.hub import HubOptions
from index.scores import ScoreSource, iter_sources
from index.shape_sync import ShapeOptions
from index.sync import Listing, SyncOptions
from recommender.hardware import DEFAULT_TABLE
from recommender.model_parser import ADAPTER_PATH
from recommender.parse import ParserOptions
from recommender.recommend import RankWeights, RecommendOptions

from .errors import SettingsError


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    help: str
    env: str | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("home", "./data", "Data folder: the catalog, the search index, models, caches.", "SOMMELIER_HOME"),
    Setting("log_level", "WARNING", "Logging level: DEBUG, INFO, WARNING or ERROR.", "SOMMELIER_LOG_LEVEL"),
    Setting("hub.endpoint", "https://huggingface.co", "Base URL of the Hugging Face Hub.", "HF_ENDPOINT"),
    Setting("hub.token", "", "Hub access token (empty: anonymous; raises the rate limit).", "HF_TOKEN"),
    Setting("hub.page_size", 1000, "Models per listing page (the Hub allows up to 1000)."),
    Setting("hub.timeout", 30.0, "Seconds to wait for one Hub answer."),
    Setting("hub.max_retries", 5, "Retries of a failing Hub call (429, 5xx, timeouts, truncated pages)."),
    Setting("hub.backoff_base", 1.0, "First wait between retries, in seconds; doubles on each retry."),
    Setting("hub.backoff_max", 60.0, "Longest wait between two retries, in seconds."),
    Setting("hub.calls_per_window", 500, "Most Hub API calls per window (anonymous: 500 per 5 minutes)."),
    Setting("hub.window_seconds", 300.0, "Length of the rate-limit window, in seconds."),
    Setting("sync.limit", 0, "Take only the N most downloaded models (0: walk every page)."),
    Setting(
        "sync.pipeline_tags",
        ["text-generation", "image-text-to-text"],
        "Pipeline tags whose models are listed (Gemma 3, Qwen 3.5, Mistral Small 3.1+ are image-text-to-text).",
    ),
    Setting("sync.filters", ["gguf"], "Tags or libraries whose models are listed too (GGUF repos)."),
    Setting("sync.min_downloads", 1, "Models with fewer downloads (last 30 days) are dropped."),
    Setting("sync.stale_days", 365, "Models not modified for this many days..."),
    Setting("sync.stale_min_downloads", 10, "...are dropped when they have fewer downloads than this."),
    Setting("sync.gguf_tree_top_n", 500, "Fetch file sizes for the N most downloaded GGUF repos (and new ones)."),
    Setting("sync.gguf_tree_new_max", 200, "...and for at most this many GGUF repos new since the last sync."),
    Setting("sync.max_tree_failures", 10, "Stop fetching file trees after this many failures in a row."),
    Setting("sync.shape_budget", 300, "Hub requests per sync reading config.json files and GGUF headers (0: none)."),
    Setting("sync.shape_budget_token", 3000, "...the same when a Hub token is set (hub.token / HF_TOKEN)."),
    Setting("sync.gguf_header_mb", 4, "First megabytes of a GGUF file read for its header (more if it goes on)."),
    Setting("sync.gguf_header_max_mb", 16, "Most megabytes read of one GGUF header (tokenizers can take 8 MB)."),
    Setting("sync.history_days", 30, "Days of download/like snapshots kept for trends."),
    Setting("sync.batch_size", 2000, "Models written to staging per transaction."),
    Setting("sync.max_drop_share", 0.2, "Refuse a sync that would drop more than this share of the catalog."),
    Setting("index.enabled", True, "Keep the semantic search index in step with the catalog on every sync."),
    Setting(
        "index.embedder",
        "",
        "Sentence-transformers model: a local folder or Hub id (empty: the bundled all-MiniLM-L6-v2).",
        "SOMMELIER_EMBEDDER",
    ),
    Setting(
        "index.kind",
        "flat",
        "FAISS index: flat (exact; ~17 ms a search at 300k models) or hnsw (graph for 'models like this one'; "
        "text is always exact).",
    ),
    Setting("index.hnsw_m", 32, "HNSW graph degree (index.kind = hnsw)."),
    Setting("index.ef_search", 256, "HNSW search breadth: higher is more exact and slower (index.kind = hnsw)."),
    Setting("index.batch_size", 32, "Documents embedded per batch."),
    Setting("parser.use_model", True, "Read requests with the GGUF model too (false: the rules alone)."),
    Setting(
        "parser.model_path",
        "",
        "GGUF model reading requests (empty: the bundled Gemma 3 270M with the project's adapter).",
        "SOMMELIER_PARSER_MODEL",
    ),
    Setting(
        "parser.adapter_path",
        "",
        "LoRA adapter (GGUF) for the parser model (empty: the shipped one with the bundled model, none otherwise).",
    ),
    Setting(
        "parser.models_dir",
        "",
        "Folder the bundled parser model is assembled into on first use (empty: <home>/models).",
        "SOMMELIER_MODELS_DIR",
    ),
    Setting("parser.threads", 2, "CPU threads of the parser model."),
    Setting("parser.hardware_table", "", "GPU and Apple chip table (empty: configs/hardware.toml)."),
    Setting("recommend.limit", 5, "Answers per request."),
    Setting("recommend.default_context", 4096, "Context (tokens) a fit assumes when the request names none."),
    Setting("recommend.unified_share", 0.70, "Share of Apple unified memory the GPU may use."),
    Setting("recommend.semantic", True, "Rank by meaning too (loads the embedder and the search index)."),
    Setting(
        "bot.token",
        "",
        "Telegram bot token from @BotFather (empty: `make run` starts the terminal chat).",
        "TELEGRAM_BOT_TOKEN",
    ),
    Setting(
        "bot.api_base_url",
        "",
        "Bot API base URL, token appended (empty: Telegram's; e.g. http://host:8081/bot).",
        "TELEGRAM_API_BASE_URL",
    ),
    Setting(
        "bot.admins", [], "Telegram user ids allowed to /resync (comma-separated in the variable).", "SOMMELIER_ADMINS"
    ),
    Setting("bot.daily_sync", "04:00", "Daily catalog sync time, HH:MM UTC (empty: no daily sync)."),
    Setting("bot.calls_per_minute", 10, "Requests one user may send per minute (button presses included)."),
    Setting("bot.request_seconds", 8.0, "Time budget of one request: past it the user is told, and others go on."),
    Setting("bot.inline_results", 5, "Answers to one inline query (@bot request in any chat), 1 to 50."),
    Setting("bot.inline_cache_seconds", 300, "Seconds one inline answer is reused (by us and by Telegram)."),
    Setting("bot.inline_calls_per_minute", 30, "Inline queries one user may send per minute (they come while typing)."),
    Setting(
        "bot.webhook_url",
        "",
        "Public HTTPS URL Telegram posts updates to (empty: long polling); its path is the local path too.",
        "TELEGRAM_WEBHOOK_URL",
    ),
    Setting("bot.webhook_listen", "0.0.0.0", "Local address the webhook listens on."),
    Setting("bot.webhook_port", 8443, "Local port the webhook listens on."),
    Setting(
        "bot.webhook_secret",
        "",
        "Secret Telegram sends with every update, others are refused (empty: a new random one at each start).",
        "TELEGRAM_WEBHOOK_SECRET",
    ),
    Setting("bot.watch_max", 5, "Watches one user may keep (/watch)."),
    Setting("bot.watch_check_minutes", 10.0, "How often the bot looks for a sync it has not checked the watches for."),
    Setting("bot.watch_max_notices", 300, "Most watch notices one sync queues (the rest wait for the next sync)."),
    Setting("bot.watch_per_second", 20.0, "Watch notices sent per second at most (Telegram allows about 30)."),
    Setting("rank.quality", 3.0, "Weight of leaderboard quality (own or the base model's score)."),
    Setting("rank.popularity", 1.0, "Weight of downloads (log scale)."),
    Setting("rank.likes", 0.3, "Weight of likes (log scale)."),
    Setting("rank.trend", 0.5, "Weight of 3-day download growth."),
    Setting("rank.relevance", 1.5, "Weight of the request's meaning (semantic similarity)."),
    Setting("rank.recency", 0.7, "Weight of recency (decays over a year)."),
    Setting("rank.size", 0.8, "Weight of model size among those that fit (log scale)."),
    Setting("rank.quant", 0.25, "Weight of the quality lost at the offered quant (configs/quant_quality.toml)."),
    Setting("rank.superseded", 0.8, "Penalty of a model a newer generation of its family replaced."),
    Setting("rank.base", 0.4, "Penalty of a base (pretrained) model unless the request asks for one."),
    Setting(
        "scores.datasets",
        [
            {
                "repo": "open-llm-leaderboard/contents",
                "file": "data/train-00000-of-00001.parquet",
                "source": "open_llm_v2",
            }
        ],
        "Leaderboard files in Hub datasets, imported on every sync.",
    ),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True, slots=True)
class SearchOptions:
    enabled: bool = True
    embedder: str | None = None  # None: the bundled all-MiniLM-L6-v2
    kind: Literal["flat", "hnsw"] = "flat"
    hnsw_m: int = 32
    ef_search: int = 256
    batch_size: int = 32


@dataclass(frozen=True, slots=True)
class BotSettings:
    token: str = ""
    base_url: str | None = None  # python-telegram-bot's meaning: the token is appended
    admins: frozenset[int] = frozenset()
    daily_sync: day_time | None = None
    calls_per_minute: int = 10
    request_seconds: float = 8.0
    inline_results: int = 5
    inline_cache_seconds: int = 300
    inline_calls_per_minute: int = 30
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: str = ""  # Telegram sends it with every update, others are refused (empty: random per start)
    watch_max: int = 5  # watches per user
    watch_check_minutes: float = 10.0  # how often a sync made elsewhere (the CLI, cron) is looked for
    watch_max_notices: int = 300  # notices queued per sync at most
    watch_per_second: float = 20.0  # notices sent per second at most

    def __repr__(self) -> str:  # the token and the secret never reach a log or a traceback
        return f"BotSettings(admins={sorted(self.admins)}, webhook_url={self.webhook_url!r}, ...)"


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    log_level: str
    hub: HubOptions
    sync: SyncOptions
    search: SearchOptions
    parser: ParserOptions
    recommend: RecommendOptions
    semantic: bool
    bot: BotSettings
    values: Mapping[str, Any]

    def __repr__(self) -> str:  # `values` holds the bot token and the Hub token: never in a log or a traceback
        return f"Settings(home={str(self.home)!r}, log_level={self.log_level!r}, ...)"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def catalog_path(self) -> Path:
        return self.home / "catalog.db"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and name not in BY_NAME:
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _coerce(setting: Setting, value: Any, origin: str) -> Any:
    default = setting.default
    if isinstance(default, bool):
        if isinstance(value, str):
            value = value.strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(value, bool):
            return value
    elif isinstance(default, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(default, float):
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = float(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif isinstance(default, str):
        if isinstance(value, str):
            return value
    elif isinstance(default, list):
        if isinstance(value, str):
            value = [item.strip() for item in value.split(",") if item.strip()]
        if isinstance(value, list):
            return value
    raise SettingsError(f"{setting.name} in {origin} should be like {default!r}, not {value!r}")


def load_settings(config_file: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then the TOML file (if given), then environment variables."""
    values = {setting.name: setting.default for setting in SETTINGS}
    if config_file is not None:
        try:
            table = tomllib.loads(Path(config_file).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise SettingsError(f"Cannot read the settings file {config_file}: {error}") from error
        for name, value in _flatten(table).items():
            if name not in BY_NAME:
                raise SettingsError(f"Unknown setting {name} in {config_file}")
            values[name] = _coerce(BY_NAME[name], value, str(config_file))
    for setting in SETTINGS:
        if setting.env and environ and environ.get(setting.env):
            values[setting.name] = _coerce(setting, environ[setting.env], f"${setting.env}")
    return _build(values)


def _build(values: dict[str, Any]) -> Settings:
    home = Path(values["home"]).expanduser()
    hub = HubOptions(
        endpoint=values["hub.endpoint"].rstrip("/"),
        token=values["hub.token"] or None,
        page_size=max(1, values["hub.page_size"]),
        timeout=values["hub.timeout"],
        max_retries=max(0, values["hub.max_retries"]),
        backoff_base=values["hub.backoff_base"],
        backoff_max=values["hub.backoff_max"],
        calls_per_window=values["hub.calls_per_window"],
        window_seconds=values["hub.window_seconds"],
    )
    try:
        score_sources: tuple[ScoreSource, ...] = tuple(iter_sources(values["scores.datasets"]))
    except (KeyError, TypeError, AttributeError) as error:
        raise SettingsError("scores.datasets entries need a repo and a file") from error
    listings = tuple(Listing(pipeline_tag=tag) for tag in values["sync.pipeline_tags"]) + tuple(
        Listing(filter=name) for name in values["sync.filters"]
    )
    sync = SyncOptions(
        limit=values["sync.limit"] or None,
        listings=listings,
        min_downloads=values["sync.min_downloads"],
        stale_days=values["sync.stale_days"],
        stale_min_downloads=values["sync.stale_min_downloads"],
        gguf_tree_top_n=values["sync.gguf_tree_top_n"],
        gguf_tree_new_max=values["sync.gguf_tree_new_max"],
        max_tree_failures=values["sync.max_tree_failures"],
        history_days=values["sync.history_days"],
        batch_size=max(1, values["sync.batch_size"]),
        max_drop_share=values["sync.max_drop_share"],
        score_sources=score_sources,
        cache_dir=home / "cache",
        shapes=_shapes(values),
    )
    if values["index.kind"] not in ("flat", "hnsw"):
        raise SettingsError(f"index.kind should be flat or hnsw, not {values['index.kind']!r}")
    search = SearchOptions(
        enabled=values["index.enabled"],
        embedder=values["index.embedder"] or None,
        kind=values["index.kind"],
        hnsw_m=max(4, values["index.hnsw_m"]),
        ef_search=max(1, values["index.ef_search"]),
        batch_size=max(1, values["index.batch_size"]),
    )
    model_path = Path(values["parser.model_path"]).expanduser() if values["parser.model_path"] else None
    adapter = values["parser.adapter_path"]
    parser = ParserOptions(
        use_model=values["parser.use_model"],
        model_path=model_path,
        # the shipped adapter was trained for the bundled model only
        adapter_path=Path(adapter).expanduser() if adapter else (ADAPTER_PATH if model_path is None else None),
        models_dir=Path(models).expanduser() if (models := values["parser.models_dir"]) else home / "models",
        hardware_table=Path(table).expanduser() if (table := values["parser.hardware_table"]) else DEFAULT_TABLE,
        threads=max(1, values["parser.threads"]),
    )
    recommend = RecommendOptions(
        weights=RankWeights(**{name: float(values[f"rank.{name}"]) for name in RankWeights.__dataclass_fields__}),
        limit=max(1, values["recommend.limit"]),
        default_context=max(256, values["recommend.default_context"]),
        unified_share=min(1.0, max(0.1, values["recommend.unified_share"])),
    )
    return Settings(
        home=home,
        bot=_bot(values),
        log_level=values["log_level"].upper(),
        hub=hub,
        sync=sync,
        search=search,
        parser=parser,
        recommend=recommend,
        semantic=values["recommend.semantic"],
        values=values,
    )


def _bot(values: Mapping[str, Any]) -> BotSettings:
    try:
        admins = frozenset(int(str(item).strip()) for item in values["bot.admins"] if str(item).strip())
    except ValueError as error:
        raise SettingsError("bot.admins ($SOMMELIER_ADMINS) takes Telegram user ids, like 12345,67890") from error
    daily = None
    if values["bot.daily_sync"]:
        try:
            hours, minutes = (int(part) for part in str(values["bot.daily_sync"]).split(":"))
            daily = day_time(hours, minutes)
        except ValueError as error:
            raise SettingsError("bot.daily_sync takes HH:MM (UTC), like 04:00") from error
    return BotSettings(
        token=values["bot.token"].strip(),
        base_url=values["bot.api_base_url"] or None,
        admins=admins,
        daily_sync=daily,
        calls_per_minute=max(1, values["bot.calls_per_minute"]),
        request_seconds=max(0.5, values["bot.request_seconds"]),
        inline_results=min(50, max(1, values["bot.inline_results"])),
        inline_cache_seconds=max(0, values["bot.inline_cache_seconds"]),
        inline_calls_per_minute=max(1, values["bot.inline_calls_per_minute"]),
        webhook_url=values["bot.webhook_url"] or None,
        webhook_listen=values["bot.webhook_listen"],
        webhook_port=values["bot.webhook_port"],
        webhook_secret=values["bot.webhook_secret"],
        watch_max=max(1, values["bot.watch_max"]),
        watch_check_minutes=max(0.1, values["bot.watch_check_minutes"]),
        watch_max_notices=max(1, values["bot.watch_max_notices"]),
        watch_per_second=min(30.0, max(0.1, values["bot.watch_per_second"])),
    )


def _shapes(values: Mapping[str, Any]) -> ShapeOptions | None:
    budget = values["sync.shape_budget_token"] if values["hub.token"] else values["sync.shape_budget"]
    if budget <= 0:
        return None
    first = max(1, int(values["sync.gguf_header_mb"] * (1 << 20)))
    return ShapeOptions(
        call_budget=budget,
        gguf_header_bytes=first,
        gguf_header_max_bytes=max(first, int(values["sync.gguf_header_max_mb"] * (1 << 20))),
    )
