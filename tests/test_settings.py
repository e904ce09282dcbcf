import re
import tomllib
from pathlib import Path

import pytest

from bot.errors import SettingsError
from bot.settings import SETTINGS, load_settings

DEFAULT_TOML = Path(__file__).resolve().parents[1] / "configs" / "default.toml"


def _lookup(table: dict, name: str):
    for part in name.split("."):
        table = table[part]
    return table


def test_every_setting_is_in_default_toml_with_its_default_and_a_comment():
    text = DEFAULT_TOML.read_text()
    table = tomllib.loads(text)
    lines = text.splitlines()
    for setting in SETTINGS:
        assert _lookup(table, setting.name) == setting.default, setting.name
        key = setting.name.rsplit(".", 1)[-1]
        index = next(i for i, line in enumerate(lines) if re.match(rf"{re.escape(key)}\s*=", line))
        assert lines[index - 1].startswith("#"), f"{setting.name} has no comment above it"


def test_default_toml_loads_to_the_defaults():
    assert load_settings(DEFAULT_TOML, {}) == load_settings(None, {})


def test_environment_overrides_file(tmp_path):
    config = tmp_path / "s.toml"
    config.write_text('home = "/from/file"\n[hub]\nendpoint = "http://file"\npage_size = 50\n')
    settings = load_settings(config, {"SOMMELIER_HOME": "/from/env", "HF_TOKEN": "hf_x"})
    assert settings.home == Path("/from/env")
    assert settings.hub.endpoint == "http://file"
    assert settings.hub.token == "hf_x"
    assert settings.hub.page_size == 50
    assert settings.catalog_path == Path("/from/env/catalog.db")


def test_listings_and_limit_are_built():
    settings = load_settings(None, {})
    assert settings.sync.limit is None
    assert [(item.pipeline_tag, item.filter) for item in settings.sync.listings] == [
        ("text-generation", None),
        ("image-text-to-text", None),  # Gemma 3, Qwen 3.5, Mistral Small 3.1+ are listed there
        (None, "gguf"),
    ]
    assert settings.sync.score_sources[0].repo == "open-llm-leaderboard/contents"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[hub]\npage_size = 'many'\n", "hub.page_size"),
        ("[hub]\nunknown = 1\n", "Unknown setting hub.unknown"),
        ("not toml [", "Cannot read"),
    ],
)
def test_bad_settings_are_reported(tmp_path, text, message):
    config = tmp_path / "bad.toml"
    config.write_text(text)
    with pytest.raises(SettingsError, match=message):
        load_settings(config, {})


def test_empty_environment_values_keep_the_defaults():
    settings = load_settings(None, {"HF_ENDPOINT": "", "HF_TOKEN": ""})
    assert settings.hub.endpoint == "https://huggingface.co"
    assert settings.hub.token is None


def test_settings_module_reads_no_environment_at_import():
    source = (Path(__file__).resolve().parents[1] / "bot" / "settings.py").read_text()
    assert "os.environ" not in source and "getenv" not in source


def test_setting_defaults_agree_with_the_catalog_option_defaults():
    from dataclasses import replace

    from index.hub import HubOptions
    from index.shape_sync import ShapeOptions
    from index.sync import SyncOptions

    settings = load_settings(None, {})
    assert settings.hub == HubOptions()
    assert replace(settings.sync, score_sources=(), cache_dir=None, shapes=None) == SyncOptions()
    assert settings.sync.shapes == ShapeOptions()  # the shapes phase is on where settings are used
