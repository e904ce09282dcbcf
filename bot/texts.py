"""Every string the bot and the chat say, in one place per language. `say(lang, key, **values)`."""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "ru"]

EN: dict[str, str] = {
    "start": (
        "Hi! I help you pick an open-weight LLM from the Hugging Face Hub.\n"
        "Tell me what you need, for example: <i>best commercial 16GB llama model</i> or "
        "<i>coding model for a 3060 12GB</i>. /help lists everything I can do."
    ),
    "help": (
        "Send a request in plain words (English or Russian), or use:\n"
        "/ask TEXT — a request (in groups)\n"
        "/top [list] — ready lists: {lists}\n"
        "/model ID — a model's card\n"
        "/compare A B [C...] — side by side (2-5 models)\n"
        "/alternatives ID — similar models, better ones marked\n"
        "/derived ID — its fine-tunes, quants, merges\n"
        "/fit ID 16GB [vram|ram|unified] — will it run, and which file\n"
        "/prefs — your memory budget, commercial only, formats, reply language\n"
        "/status — catalog and sync state"
    ),
    "nothing": "Nothing in the catalog matches, even with every constraint relaxed. Try fewer constraints.",
    "relaxed": "Nothing matched everything, so I relaxed: {relaxed}.",
    "download": "Download",
    "why": "Why",
    "better": "scores better",
    "better_alternative": "Better-scored alternative",
    "prefs_applied": "Your preferences: {prefs} (/prefs to change)",
    "no_prefs": "no saved preferences",
    "unknown_model": "I don't know a model called {name}.",
    "did_you_mean": "Did you mean one of these?",
    "ambiguous": "Several models match {name}; pick one:",
    "compare_usage": "Give 2 to 5 models: /compare Qwen/Qwen2.5-7B-Instruct meta-llama/Llama-3.1-8B-Instruct",
    "fit_usage": "Usage: /fit MODEL 16GB [vram|ram|unified] [context]",
    "model_usage": "Usage: /model MODEL_ID",
    "top_choose": "Choose a list:",
    "rate_limited": "You're sending requests quickly; please wait {seconds} s.",
    "error": "Sorry, something went wrong on my side. Please try again.",
    "stale_button": "That button has expired. Ask again, please.",
    "admins_only": "Sorry, only the bot's admins can do that.",
    "sync_busy": "A sync is already running; please wait for it to finish.",
    "sync_started": "Sync started…",
    "sync_progress": "Syncing the catalog\n{bar} {percent}%\npages {pages} · models {models:,} · GGUF trees {trees}",
    "sync_done": "Sync finished in {seconds:.0f} s: {added:,} added, {updated:,} updated, {dropped:,} dropped; "
    "{total:,} models in the catalog.",
    "sync_failed": "The sync stopped: {error}. The catalog is unchanged.",
    "status": "Catalog: {models:,} models, {gguf:,} GGUF repos. Last sync: {last}. {running}",
    "sync_running": "A sync is running now.",
    "empty_catalog": "The catalog is empty: an admin needs to run /resync first.",
    "text_only": "I read text messages only.",
    "too_long": "That's a long message; I read the first {chars:,} characters.",
    "more": "More",
    "alternatives": "Alternatives",
    "compare_top": "Compare top 3",
    "details": "Details",
    "prefs_show": "Memory: {memory}\nCommercial only: {commercial}\nFormats: {formats}\nReply language: {language}",
    "prefs_usage": (
        "Set with /prefs memory 16 vram · /prefs commercial on · /prefs formats gguf,mlx · /prefs lang ru · "
        "/prefs reset"
    ),
    "prefs_saved": "Saved.",
    "yes": "yes",
    "no": "no",
    "any": "any",
}

RU: dict[str, str] = {
    "start": (
        "Привет! Я помогаю выбрать открытую LLM с Hugging Face Hub.\n"
        "Напишите, что нужно, например: <i>какую модель запустить на 16 гб</i> или "
        "<i>кодер до 13b под 12 гб видеопамяти</i>. /help — все команды."
    ),
    "help": (
        "Напишите запрос словами (по-русски или по-английски) или используйте:\n"
        "/ask ТЕКСТ — запрос (в группах)\n"
        "/top [список] — готовые списки: {lists}\n"
        "/model ID — карточка модели\n"
        "/compare A B [C...] — сравнение (2-5 моделей)\n"
        "/alternatives ID — похожие модели, лучшие отмечены\n"
        "/derived ID — её файнтюны, кванты, мержи\n"
        "/fit ID 16GB [vram|ram|unified] — запустится ли и какой файл брать\n"
        "/prefs — память, только коммерческие, форматы, язык ответов\n"
        "/status — каталог и синхронизация"
    ),
    "nothing": "В каталоге ничего не подходит, даже если ослабить все условия. Попробуйте меньше условий.",
    "relaxed": "Под все условия ничего не нашлось, поэтому я ослабил: {relaxed}.",
    "download": "Скачать",
    "why": "Почему",
    "better": "оценки выше",
    "better_alternative": "Альтернатива с оценками выше",
    "prefs_applied": "Ваши настройки: {prefs} (/prefs — изменить)",
    "no_prefs": "настроек нет",
    "unknown_model": "Не знаю модель {name}.",
    "did_you_mean": "Может быть, одна из этих?",
    "ambiguous": "Под {name} подходят несколько моделей; выберите:",
    "compare_usage": "Укажите от 2 до 5 моделей: /compare Qwen/Qwen2.5-7B-Instruct meta-llama/Llama-3.1-8B-Instruct",
    "fit_usage": "Формат: /fit МОДЕЛЬ 16GB [vram|ram|unified] [контекст]",
    "model_usage": "Формат: /model ID_МОДЕЛИ",
    "top_choose": "Выберите список:",
    "rate_limited": "Слишком много запросов подряд; подождите {seconds} с.",
    "error": "Извините, у меня что-то сломалось. Попробуйте ещё раз.",
    "stale_button": "Эта кнопка устарела. Спросите ещё раз, пожалуйста.",
    "admins_only": "Извините, это могут только администраторы бота.",
    "sync_busy": "Синхронизация уже идёт; дождитесь её окончания.",
    "sync_started": "Синхронизация началась…",
    "sync_progress": "Синхронизация каталога\n{bar} {percent}%\n"
    "страниц {pages} · моделей {models:,} · GGUF-деревьев {trees}",
    "sync_done": "Синхронизация закончена за {seconds:.0f} с: добавлено {added:,}, обновлено {updated:,}, "
    "удалено {dropped:,}; в каталоге {total:,} моделей.",
    "sync_failed": "Синхронизация остановилась: {error}. Каталог не изменился.",
    "status": "Каталог: {models:,} моделей, {gguf:,} GGUF-репозиториев. Последняя синхронизация: {last}. {running}",
    "sync_running": "Сейчас идёт синхронизация.",
    "empty_catalog": "Каталог пуст: администратору нужно запустить /resync.",
    "text_only": "Я читаю только текстовые сообщения.",
    "too_long": "Длинное сообщение; я прочитал первые {chars:,} символов.",
    "more": "Ещё",
    "alternatives": "Альтернативы",
    "compare_top": "Сравнить топ-3",
    "details": "Подробнее",
    "prefs_show": "Память: {memory}\nТолько коммерческие: {commercial}\nФорматы: {formats}\nЯзык ответов: {language}",
    "prefs_usage": (
        "Настройка: /prefs memory 16 vram · /prefs commercial on · /prefs formats gguf,mlx · /prefs lang en · "
        "/prefs reset"
    ),
    "prefs_saved": "Сохранено.",
    "yes": "да",
    "no": "нет",
    "any": "любые",
}

FIT_LEVELS: dict[str, dict[str, str]] = {
    "en": {"gpu": "fully on the GPU", "partial": "GPU + CPU offload", "cpu": "on the CPU", "no": "does not fit"},
    "ru": {"gpu": "целиком на GPU", "partial": "GPU + выгрузка на CPU", "cpu": "на CPU", "no": "не помещается"},
}
RELAXED_NAMES: dict[str, dict[str, str]] = {
    "en": {},
    "ru": {
        "languages": "языки",
        "tasks": "задачи",
        "quants": "кванты",
        "formats": "форматы",
        "uncensored": "без цензуры",
        "min_context": "контекст",
        "licenses": "лицензии",
        "params": "размер",
        "families": "семейства",
        "memory": "память",
        "commercial": "коммерческое использование",
    },
}
STRINGS: dict[str, dict[str, str]] = {"en": EN, "ru": RU}


def say(lang: str, key: str, **values: object) -> str:
    table = STRINGS.get(lang, EN)
    return (table.get(key) or EN[key]).format(**values) if values else table.get(key) or EN[key]


def language_of(text: str, client_language: str | None = None) -> Lang:
    """Russian for Russian requests or Russian Telegram clients, English otherwise."""
    letters = [char for char in text if char.isalpha()]
    cyrillic = sum("а" <= char.lower() <= "я" or char in "ёЁ" for char in letters)
    if letters and cyrillic / len(letters) >= 0.3:
        return "ru"
    if not letters and (client_language or "").lower().startswith(("ru", "uk", "be", "kk")):
        return "ru"
    if letters:
        return "en"
    return "ru" if (client_language or "").lower().startswith("ru") else "en"
