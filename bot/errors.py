"""Errors of the fronts (CLI, later the Telegram bot).

FrontError         base class; its docstring (or the message given) is user-facing
└── SettingsError  a settings file or environment variable is wrong
"""

from __future__ import annotations


class FrontError(Exception):
    "Something went wrong"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())


class SettingsError(FrontError):
    "The settings are not valid"
