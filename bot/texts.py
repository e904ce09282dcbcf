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
        "@bot_name TEXT in any chat — inline: pick one of the top 5 to post there\n"
        "/top [list] — ready lists: {lists}\n"
        "/model ID — a model's card\n"
        "/compare A B [C...] — side by side (2-5 models)\n"
        "/alternatives ID — similar models, better ones marked\n"
        "/derived ID — its fine-tunes, quants, merges\n"
        "/fit ID 16GB [vram|ram|unified] — will it run, and which file\n"
        "/watch REQUEST — tell me when a model I have not shown you enters its top 3\n"
        "/watches — your watches · /unwatch N — stop one\n"
        "/prefs — your memory budget, commercial only, formats, reply language\n"
        "/status — catalog and sync state\n"
        "/resync — admins: sync the catalog now"
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
    "fit_usage": "Usage: /fit MODEL 16GB [vram|ram|unified] [context] [kv q8_0|q4_0] [vision]",
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
    "err_unknown_model": "I don't know a model called {name}.",
    "err_unknown_model_hint": "I don't know a model called {name}. Did you mean: {candidates}?",
    "err_not_in_catalog": "That model is not in the catalog.",
    "err_catalog_busy": "A sync is running on the catalog; try again when it has finished.",
    "err_catalog_corrupt": "The catalog file is damaged; an admin needs to run a fresh sync.",
    "err_catalog_write": "The catalog could not be written (is the disk full?); nothing was changed.",
    "err_drops_refused": "The sync was stopped: it would drop {dropped:,} of the catalog's {total:,} models "
    "({share:.0%}, the limit is {limit:.0%}). Nothing was changed; check the listing settings "
    "(sync.pipeline_tags, sync.filters), or if the Hub really lost them: sommelier sync --allow-drops "
    "(in the bot: /resync allow-drops).",
    "err_index_write": "The search index could not be written (is the disk full?); the previous one stays in use.",
    "err_hub_unavailable": "The Hugging Face Hub is not answering; the catalog was left as it was. Try again later.",
    "err_hub_rate_limited": "The Hugging Face Hub is rate-limiting us; the catalog was left as it was. Try later.",
    "err_hub_bad_response": "The Hugging Face Hub sent answers I could not read; the catalog was left as it was.",
    "err_hub": "The Hugging Face Hub could not be reached; the catalog was left as it was.",
    "err_scores": "The leaderboard file could not be read.",
    "err_catalog": "The catalog could not do that.",
    "err_parser": "The request parser could not run; I read the request with the rules alone.",
    "err_recommender": "I could not answer that one. Try saying it differently.",
    "err_too_slow": "That request took too long to answer, so I stopped it. Try a shorter or simpler request.",
    "err_database": "The catalog could not be read or written (is the disk full?); nothing was changed.",
    "err_files": "A file could not be read or written; nothing was changed.",
    "err_bad_number": "{what} takes a number like {example}.",
    "err_fit_context": "The context is a number of tokens from 256 to 10,000,000, like 8192 or 32k.",
    "err_fit_memory": "The memory is a number of GB from 0.1 to 4096, like 16GB.",
    "err_prefs_memory": "memory takes a number of GB from 0.1 to 4096, like /prefs memory 16 vram",
    "err_prefs_kind": "the memory kind is ram, vram or unified",
    "err_prefs_formats": "formats are {formats}",
    "err_prefs_lang": "lang is en, ru or auto",
    "err_prefs_kv": "the KV cache type is {types}",
    "err_prefs_key": "unknown preference; use memory, commercial, formats, lang or reset",
    "err_batch_empty": "empty line: no request",
    "sync_failed": "The sync stopped: {error}",
    "status": "Catalog: {models:,} models, {gguf:,} GGUF repos. Last sync: {last}. {running}",
    "sync_running": "A sync is running now.",
    "empty_catalog": "The catalog is empty: an admin needs to run /resync first.",
    "text_only": "I read text messages only.",
    "too_long": "That's a long message; I read the first {chars:,} characters.",
    "more": "More",
    "no_more": "That's all I show for one request; ask again with more detail to narrow it down.",
    "alternatives": "Alternatives",
    "compare_top": "Compare top 3",
    "details": "Details",
    "prefs_show": "Memory: {memory}\nCommercial only: {commercial}\nFormats: {formats}\nKV cache: {kv_cache}\n"
    "Reply language: {language}",
    "prefs_usage": (
        "Set with /prefs memory 16 vram · /prefs ram 64 (lets a model spill into RAM) · /prefs commercial on · "
        "/prefs formats gguf,mlx · /prefs kv q8_0 · /prefs lang ru · /prefs reset"
    ),
    "prefs_saved": "Saved.",
    "yes": "yes",
    "no": "no",
    "any": "any",
    "inline_hint": "Type a request, e.g. coding model for 12GB vram",
    "inline_for": "For “{request}”:",
    "inline_nothing": "Nothing matches; try fewer constraints",
    "inline_slow": "That took too long; try a simpler request",
    "inline_error": "Something went wrong; please try again",
    "inline_limited": "Too many requests; wait {seconds} s",
    "watch_button": "🔔 Watch",
    "watch_usage": "Usage: /watch REQUEST, for example /watch coding model for 12GB vram. After each catalog sync "
    "I tell you when a model you were not shown enters its top 3.",
    "watch_added": "🔔 Watching #{number}: “{request}”. Its top 3 now: {top}.\nI'll write when a model you "
    "haven't seen enters the top 3 (at most once a day per watch). /watches lists them; /unwatch {number} stops it.",
    "watch_added_empty": "🔔 Watching #{number}: “{request}”. Nothing meets it yet; I'll write when something "
    "does (at most once a day). /watches lists them; /unwatch {number} stops it.",
    "watch_exists": "You already watch that request (#{number}). /watches lists them.",
    "watch_too_many": "You have {limit} watches, the most I keep; /unwatch N frees one.",
    "watch_unavailable": "Watches work in the Telegram bot: it writes to you after each catalog sync.",
    "watch_private_only": "Watches write to you in a private chat: send /watch REQUEST to @{bot} there.",
    "watches_none": "You have no watches. /watch REQUEST starts one, and so does the 🔔 button under an answer.",
    "watches_head": "Your watches (/unwatch N stops one, /unwatch all stops every one):",
    "watches_line": "{number}. “{request}” · since {date}",
    "unwatch_usage": "Usage: /unwatch N (its number in /watches) or /unwatch all.",
    "unwatched": "Stopped watch {number}: “{request}”.",
    "unwatched_all": "Stopped your {count} watches.",
    "unwatch_unknown": "You have no watch {number}; /watches lists them.",
    "watch_notice": "🔔 <b>Watch {number}</b> · “{request}”: a model you were not shown is now in its top 3.",
    "watch_above": "Ranks above {other}, which you were shown.",
    "watch_scores_better": "{source}: {ours} against {other}.",
    "watch_scores": "{source}: {ours} against {other}; it ranks higher on fit, downloads and recency.",
    "watch_stop": "/watches lists your watches; /unwatch {number} stops this one.",
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
        "@имя_бота ТЕКСТ в любом чате — inline: выберите один из топ-5 и отправьте туда\n"
        "/top [список] — готовые списки: {lists}\n"
        "/model ID — карточка модели\n"
        "/compare A B [C...] — сравнение (2-5 моделей)\n"
        "/alternatives ID — похожие модели, лучшие отмечены\n"
        "/derived ID — её файнтюны, кванты, мержи\n"
        "/fit ID 16GB [vram|ram|unified] — запустится ли и какой файл брать\n"
        "/watch ЗАПРОС — написать, когда в тройку войдёт модель, которую вы не видели\n"
        "/watches — ваши подписки · /unwatch N — отменить\n"
        "/prefs — память, только коммерческие, форматы, язык ответов\n"
        "/status — каталог и синхронизация\n"
        "/resync — администраторам: синхронизировать каталог сейчас"
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
    "fit_usage": "Формат: /fit МОДЕЛЬ 16GB [vram|ram|unified] [контекст] [kv q8_0|q4_0] [vision]",
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
    "err_unknown_model": "Не знаю модель {name}.",
    "err_unknown_model_hint": "Не знаю модель {name}. Может быть: {candidates}?",
    "err_not_in_catalog": "Такой модели нет в каталоге.",
    "err_catalog_busy": "Каталог сейчас синхронизируется; попробуйте, когда синхронизация закончится.",
    "err_catalog_corrupt": "Файл каталога повреждён; администратору нужно заново синхронизировать каталог.",
    "err_catalog_write": "Каталог не удалось записать (диск заполнен?); ничего не изменилось.",
    "err_drops_refused": "Синхронизация остановлена: она удалила бы {dropped:,} из {total:,} моделей каталога "
    "({share:.0%}, предел {limit:.0%}). Ничего не изменилось; проверьте настройки списка (sync.pipeline_tags, "
    "sync.filters) или, если Hub действительно их потерял: sommelier sync --allow-drops (в боте: "
    "/resync allow-drops).",
    "err_index_write": "Поисковый индекс не удалось записать (диск заполнен?); работает предыдущий.",
    "err_hub_unavailable": "Hugging Face Hub не отвечает; каталог не изменился. Попробуйте позже.",
    "err_hub_rate_limited": "Hugging Face Hub ограничивает частоту запросов; каталог не изменился. Попробуйте позже.",
    "err_hub_bad_response": "Hugging Face Hub присылает непонятные ответы; каталог не изменился.",
    "err_hub": "Не удалось связаться с Hugging Face Hub; каталог не изменился.",
    "err_scores": "Файл лидерборда не читается.",
    "err_catalog": "Каталог не смог это сделать.",
    "err_parser": "Модель-разборщик запросов не запустилась; я прочитал запрос одними правилами.",
    "err_recommender": "Не получилось ответить. Попробуйте сформулировать иначе.",
    "err_too_slow": "Запрос обрабатывался слишком долго, и я его остановил. Попробуйте короче или проще.",
    "err_database": "Каталог не удалось прочитать или записать (диск заполнен?); ничего не изменилось.",
    "err_files": "Файл не удалось прочитать или записать; ничего не изменилось.",
    "err_bad_number": "{what}: нужно число, например {example}.",
    "err_fit_context": "Контекст — число токенов от 256 до 10 000 000, например 8192 или 32k.",
    "err_fit_memory": "Память — число ГБ от 0.1 до 4096, например 16GB.",
    "err_prefs_memory": "memory — число ГБ от 0.1 до 4096, например /prefs memory 16 vram",
    "err_prefs_kind": "тип памяти: ram, vram или unified",
    "err_prefs_formats": "форматы: {formats}",
    "err_prefs_lang": "lang: en, ru или auto",
    "err_prefs_kv": "тип KV-кэша: {types}",
    "err_prefs_key": "неизвестная настройка; есть memory, commercial, formats, lang и reset",
    "err_batch_empty": "пустая строка: запроса нет",
    "sync_failed": "Синхронизация остановилась: {error}",
    "status": "Каталог: {models:,} моделей, {gguf:,} GGUF-репозиториев. Последняя синхронизация: {last}. {running}",
    "sync_running": "Сейчас идёт синхронизация.",
    "empty_catalog": "Каталог пуст: администратору нужно запустить /resync.",
    "text_only": "Я читаю только текстовые сообщения.",
    "too_long": "Длинное сообщение; я прочитал первые {chars:,} символов.",
    "more": "Ещё",
    "no_more": "Больше по одному запросу не показываю; уточните запрос, чтобы сузить выбор.",
    "alternatives": "Альтернативы",
    "compare_top": "Сравнить топ-3",
    "details": "Подробнее",
    "prefs_show": "Память: {memory}\nТолько коммерческие: {commercial}\nФорматы: {formats}\nKV-кэш: {kv_cache}\n"
    "Язык ответов: {language}",
    "prefs_usage": (
        "Настройка: /prefs memory 16 vram · /prefs ram 64 (модель может частично жить в ОЗУ) · "
        "/prefs commercial on · /prefs formats gguf,mlx · /prefs kv q8_0 · /prefs lang en · /prefs reset"
    ),
    "prefs_saved": "Сохранено.",
    "yes": "да",
    "no": "нет",
    "any": "любые",
    "inline_hint": "Напишите запрос, например: кодер под 12 гб видеопамяти",
    "inline_for": "По запросу «{request}»:",
    "inline_nothing": "Ничего не подходит; попробуйте меньше условий",
    "inline_slow": "Слишком долго; попробуйте запрос попроще",
    "inline_error": "Что-то сломалось; попробуйте ещё раз",
    "inline_limited": "Слишком много запросов; подождите {seconds} с",
    "watch_button": "🔔 Следить",
    "watch_usage": "Формат: /watch ЗАПРОС, например /watch модель для кода на 12 гб видеопамяти. После каждой "
    "синхронизации каталога я напишу, если в тройку лучших войдёт модель, которую вы ещё не видели.",
    "watch_added": "🔔 Слежу (№{number}): «{request}». Тройка сейчас: {top}.\nНапишу, когда в тройку войдёт "
    "модель, которую вы не видели (не чаще раза в день). /watches — список; /unwatch {number} — перестать.",
    "watch_added_empty": "🔔 Слежу (№{number}): «{request}». Пока ничего не подходит; напишу, когда появится "
    "(не чаще раза в день). /watches — список; /unwatch {number} — перестать.",
    "watch_exists": "Вы уже следите за этим запросом (№{number}). /watches — список.",
    "watch_too_many": "У вас {limit} подписок — это максимум; /unwatch N освободит место.",
    "watch_unavailable": "Подписки работают в Telegram-боте: он пишет после каждой синхронизации каталога.",
    "watch_private_only": "Подписки приходят в личный чат: отправьте /watch ЗАПРОС боту @{bot} в личку.",
    "watches_none": "Подписок нет. /watch ЗАПРОС или кнопка 🔔 под ответом создают подписку.",
    "watches_head": "Ваши подписки (/unwatch N — отменить одну, /unwatch all — все):",
    "watches_line": "{number}. «{request}» · с {date}",
    "unwatch_usage": "Формат: /unwatch N (номер из /watches) или /unwatch all.",
    "unwatched": "Подписка {number} отменена: «{request}».",
    "unwatched_all": "Отменены все подписки: {count}.",
    "unwatch_unknown": "Подписки {number} нет; /watches — список.",
    "watch_notice": "🔔 <b>Подписка {number}</b> · «{request}»: в тройке лучших модель, которую вы ещё не видели.",
    "watch_above": "Стоит выше {other}, которую вам показывали.",
    "watch_scores_better": "{source}: {ours} против {other}.",
    "watch_scores": "{source}: {ours} против {other}; выше по сумме: помещается, скачивания, свежесть.",
    "watch_stop": "/watches — ваши подписки; /unwatch {number} — отменить эту.",
}

REASONS: dict[str, dict[str, str]] = {
    "en": {
        "fits": "{quant} {weights_gb:.1f} GB + {kv_gb:.1f} GB KV at {context} + {overhead_gb:.1f} GB runtime = "
        "{needed_gb:.1f} GB ≤ {budget_gb:g} GB {kind}{usable}: runs {where}",
        "usable": " ({usable_gb:.1f} GB usable by the GPU)",
        "fits_no": "{quant} {weights_gb:.1f} GB + {kv_gb:.1f} GB KV at {context} + {overhead_gb:.1f} GB runtime = "
        "{needed_gb:.1f} GB > {budget_gb:g} GB {kind}{usable}: does not fit, even at its smallest usable file",
        "fits_offload": "{quant} {weights_gb:.1f} GB + {kv_gb:.1f} GB KV at {context} + {overhead_gb:.1f} GB runtime = "
        "{needed_gb:.1f} GB: {budget_gb:g} GB on the GPU, {offload_gb:.1f} GB offloaded to the {ram_gb:g} GB of RAM "
        "you stated (slower than a full fit)",
        "self_quantize": "no quantized copy in the catalog: the estimate is for a GGUF you would make yourself",
        "license": "{license}: {commercial}",
        "no_license": "no licence stated",
        "context": "context {tokens:,}",
        "score": "{label} {average:.1f}{origin}",
        "inherited": " (base model)",
        "trend": "downloads +{percent}% in 3 days",
        "popularity": "{downloads:,} downloads, {likes:,} likes",
        "speed": "≈{tokens_per_s:.0f} tokens/s on {hardware} ({bandwidth_gbs:g} GB/s × {efficiency:g} "
        "efficiency){assumed}",
        "speed_assumed": "; hardware assumed",
        "speed_offloaded": "; partly offloaded to RAM",
        "ram": "RAM",
        "vram": "VRAM",
        "unified": "unified memory",
        "on_gpu": "on the GPU",
        "open_llm_v2": "Open LLM Leaderboard v2 average",
        "open_llm_v1": "Open LLM v1 average",
        "arena": "Arena Elo",
        "c_yes": "commercial use allowed",
        "c_conditional": "commercial use allowed with conditions",
        "c_no": "no commercial use",
        "c_unknown": "licence unknown: check before commercial use",
        "unknown_params": "parameter count unknown: cannot estimate the memory",
        "below_preferred": "only a quant below {floor} fits: expect lower quality",
        "kv_fallback": "KV cache from the geometry of {name} ({source}), not this model's own",
        "kv_unknown": "architecture unknown: KV cache estimated conservatively",
        "kv_quantized": "KV cache quantized to {type}",
        "mmproj_included": "vision projector (mmproj) included",
        "mmproj_estimated": "vision projector size estimated (no mmproj file listed)",
        "moe": "MoE: all {experts} experts in memory; runs at the speed of {active_b:g}B active",
        "size_estimated": "file size estimated from the parameter count",
        "native_unknown_bits": "{label}: bits per weight unknown, cannot estimate",
        "mlx_apple": "MLX runs on Apple silicon (mlx-lm, LM Studio)",
        "native_files": "{label}: weights {weights_gb:g} GB, the repo's own files",
        "native_estimated": "{label}: weights estimated from {bits:g} bits per weight",
    },
    "ru": {
        "fits": "{quant} {weights_gb:.1f} ГБ + {kv_gb:.1f} ГБ KV на {context} + {overhead_gb:.1f} ГБ среда = "
        "{needed_gb:.1f} ГБ ≤ {budget_gb:g} ГБ {kind}{usable}: работает {where}",
        "usable": " (GPU доступно {usable_gb:.1f} ГБ)",
        "fits_no": "{quant} {weights_gb:.1f} ГБ + {kv_gb:.1f} ГБ KV на {context} + {overhead_gb:.1f} ГБ среда = "
        "{needed_gb:.1f} ГБ > {budget_gb:g} ГБ {kind}{usable}: не помещается даже в самом малом пригодном файле",
        "fits_offload": "{quant} {weights_gb:.1f} ГБ + {kv_gb:.1f} ГБ KV на {context} + {overhead_gb:.1f} ГБ среда = "
        "{needed_gb:.1f} ГБ: {budget_gb:g} ГБ на GPU, {offload_gb:.1f} ГБ выгружено в указанные вами {ram_gb:g} ГБ ОЗУ "
        "(медленнее, чем целиком на GPU)",
        "self_quantize": "квантованной копии в каталоге нет: оценка для GGUF, который вы сделаете сами",
        "license": "{license}: {commercial}",
        "no_license": "лицензия не указана",
        "context": "контекст {tokens:,}",
        "score": "{label} {average:.1f}{origin}",
        "inherited": " (базовая модель)",
        "trend": "скачиваний +{percent}% за 3 дня",
        "popularity": "{downloads:,} скачиваний, {likes:,} лайков",
        "speed": "≈{tokens_per_s:.0f} токенов/с на {hardware} ({bandwidth_gbs:g} ГБ/с × КПД {efficiency:g}){assumed}",
        "speed_assumed": "; оборудование предположено",
        "speed_offloaded": "; часть слоёв в ОЗУ",
        "ram": "ОЗУ",
        "vram": "видеопамяти",
        "unified": "общей памяти",
        "on_gpu": "на GPU",
        "open_llm_v2": "Open LLM Leaderboard v2, среднее",
        "open_llm_v1": "Open LLM v1, среднее",
        "arena": "Arena Elo",
        "c_yes": "коммерческое использование разрешено",
        "c_conditional": "коммерческое использование разрешено с условиями",
        "c_no": "коммерческое использование запрещено",
        "c_unknown": "лицензия неизвестна: проверьте перед коммерческим использованием",
        "unknown_params": "число параметров неизвестно: память не оценить",
        "below_preferred": "влезает только квант ниже {floor}: качество будет ниже",
        "kv_fallback": "KV-кэш по геометрии {name} ({source}), а не самой модели",
        "kv_unknown": "архитектура неизвестна: KV-кэш оценён с запасом",
        "kv_quantized": "KV-кэш квантован в {type}",
        "mmproj_included": "визуальный проектор (mmproj) учтён",
        "mmproj_estimated": "размер визуального проектора оценён (файла mmproj в репозитории нет)",
        "moe": "MoE: все {experts} экспертов в памяти; скорость как у {active_b:g}B активных",
        "size_estimated": "размер файла оценён по числу параметров",
        "native_unknown_bits": "{label}: бит на вес неизвестно, память не оценить",
        "mlx_apple": "MLX работает только на Apple silicon (mlx-lm, LM Studio)",
        "native_files": "{label}: веса {weights_gb:g} ГБ, собственные файлы репозитория",
        "native_estimated": "{label}: веса оценены по {bits:g} бит на вес",
    },
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


def _is_cyrillic(char: str) -> bool:
    return "а" <= char.lower() <= "я" or char in "ёЁ"


def language_of(text: str, client_language: str | None = None) -> Lang:
    """Russian for Russian requests or Russian Telegram clients, English otherwise. A request is Russian when
    Cyrillic makes 30% of its letters, or 30% of its words besides model names and sizes (words with a digit or
    a slash: "GLM-4.5-Air на 96 ГБ VRAM?" is Russian though most of its letters are Latin)."""
    letters = [char for char in text if char.isalpha()]
    cyrillic = sum(_is_cyrillic(char) for char in letters)
    if letters and cyrillic / len(letters) >= 0.3:
        return "ru"
    words = [word for word in text.split() if not any(c.isdigit() or c == "/" for c in word)]
    worded = [[char for char in word if char.isalpha()] for word in words]
    worded = [chars for chars in worded if chars]
    russian = sum(2 * sum(_is_cyrillic(char) for char in chars) > len(chars) for chars in worded)
    if worded and russian / len(worded) >= 0.3:
        return "ru"
    if not letters and (client_language or "").lower().startswith(("ru", "uk", "be", "kk")):
        return "ru"
    if letters:
        return "en"
    return "ru" if (client_language or "").lower().startswith("ru") else "en"
