"""A sign-in's browser and system in words ("Chrome · Android") from its User-Agent, so a
person can tell their devices apart without reading the header."""

from __future__ import annotations

import re

# first match wins: browsers built on Chrome name Chrome too, and every browser names Safari
BROWSERS = [
    ("WeChat", r"MicroMessenger"),
    ("QQ Browser", r"MQQBrowser|QQBrowser"),
    ("UC Browser", r"UCBrowser"),
    ("Huawei Browser", r"HuaweiBrowser"),
    ("Edge", r"Edg(e|A|iOS)?/"),
    ("Opera", r"OPR/|Opera"),
    ("Firefox", r"Firefox/|FxiOS/"),
    ("Chrome", r"Chrome/|CriOS/|Chromium/"),
    ("Safari", r"Safari/"),
]
SYSTEMS = [
    ("HarmonyOS", r"HarmonyOS|OpenHarmony"),
    ("Android", r"Android"),
    ("iPhone", r"iPhone"),
    ("iPad", r"iPad"),
    ("Windows", r"Windows"),
    ("macOS", r"Macintosh|Mac OS X"),
    ("Linux", r"Linux|X11"),
]


def describe(user_agent: str | None) -> str | None:
    """ "Chrome · Android", or None when neither part is recognised."""
    if not user_agent:
        return None
    parts = [
        next((name for name, pattern in table if re.search(pattern, user_agent)), None)
        for table in (BROWSERS, SYSTEMS)
    ]
    return " · ".join(p for p in parts if p) or None
