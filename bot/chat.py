"""`sommelier chat`: the bot's conversation in a terminal — same answers, plain text, one request per line,
until end of input."""

from __future__ import annotations

import sys
from typing import TextIO

from .conversation import Conversation, Reply
from .render import split_blocks, strip_tags

CHAT_USER = 0  # preferences of the terminal user are saved under this id
PROMPT = "> "


def plain(reply: Reply) -> str:
    text = "\n\n".join(strip_tags(message) for message in split_blocks(reply.blocks))
    if reply.buttons:
        text += "\n\n" + "  ".join(f"[{button.text}]" for row in reply.buttons for button in row)
    return text


def handle(conversation: Conversation, line: str) -> Reply:
    line = line.strip()
    if line.startswith("/"):
        name, *args = line[1:].split()
        return conversation.command(CHAT_USER, name.split("@")[0].lower(), args)
    return conversation.request(CHAT_USER, line)


def run(conversation: Conversation, lines: TextIO | None = None, out: TextIO | None = None) -> int:
    lines = lines if lines is not None else sys.stdin
    out = out if out is not None else sys.stdout
    interactive = lines.isatty()
    if interactive:
        print(plain(conversation.command(CHAT_USER, "start", [])), file=out)
    while True:
        if interactive:
            print(PROMPT, end="", file=out, flush=True)
        line = lines.readline()
        if not line:
            return 0
        if not line.strip():
            continue
        print(plain(handle(conversation, line)), file=out, flush=True)
        print(file=out)
